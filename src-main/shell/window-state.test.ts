import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadWindowState, saveWindowState } from './window-state';

const display = { x: 0, y: 0, width: 1920, height: 1080 };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Each test starts from its own empty folder, so none depends on what another saved. */
function emptyDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-window-'));
  dirs.push(dir);
  return dir;
}

it('starts with a default size when nothing is saved', () => {
  expect(loadWindowState(emptyDir(), [display])).toMatchObject({ placed: false, maximized: false });
});

it('puts the window back where it was', () => {
  const dir = emptyDir();
  const bounds = { x: 100, y: 80, width: 1000, height: 700 };
  saveWindowState(dir, { bounds, maximized: true });
  expect(loadWindowState(dir, [display])).toEqual({ bounds, maximized: true, placed: true });
});

it('does not place a window on a display that is gone', () => {
  const dir = emptyDir();
  saveWindowState(dir, { bounds: { x: 3000, y: 0, width: 1000, height: 700 }, maximized: false });
  expect(loadWindowState(dir, [display]).placed).toBe(false);
});

it('ignores a corrupt state file', () => {
  const dir = emptyDir();
  writeFileSync(path.join(dir, 'window-state.json'), '{"bounds": {"x": "a"}');
  expect(loadWindowState(dir, [display]).placed).toBe(false);
});
