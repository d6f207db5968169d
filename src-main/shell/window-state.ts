// Remembers where the window was, and puts it back only where a display can still show it.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Bounds;
  maximized: boolean;
}

const fallback: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false };

export function loadWindowState(dataDir: string, displays: readonly Bounds[]): WindowState & { placed: boolean } {
  try {
    const raw = JSON.parse(readFileSync(statePath(dataDir), 'utf8')) as Partial<WindowState>;
    const b = raw.bounds;
    if (b && [b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width >= 400 && b.height >= 300) {
      const visible = displays.some((d) => overlapArea(d, b) >= 100 * 100);
      return { bounds: b, maximized: raw.maximized === true, placed: visible };
    }
  } catch {
    // No state yet, or unreadable: start with the default size.
  }
  return { ...fallback, placed: false };
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  const file = statePath(dataDir);
  writeFileSync(file + '.tmp', JSON.stringify(state));
  renameSync(file + '.tmp', file);
}

function statePath(dataDir: string): string {
  return path.join(dataDir, 'window-state.json');
}

function overlapArea(a: Bounds, b: Bounds): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
