// The desktop actions through dispatch on a real studio: with a recording desktop (the platform's file manager and
// folder picker stand in as a plain object), and without one, as the headless server and the CLI run.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { chooseProvider } from '../engine/acceleration/provider-choice';
import { a1111Text, pngWithText } from '../gallery/test-support/foreign-png';
import { startServer, type RunningServer } from '../server/http-server';
import type { StudioErrorValue } from '../shared/errors';
import type { SystemInfo } from '../shared/system-types';
import { createStudio, type DesktopActions, type Studio } from '../studio';

const temp = mkdtempSync(path.join(os.tmpdir(), 'studio-desktop-'));
const open = (dataDir: string, desktop?: DesktopActions) =>
  createStudio({
    dataDir,
    appVersion: '0.0.0',
    bundledModelsDir: path.join(temp, 'no-models'),
    engineMode: 'inline',
    checkGallery: false,
    desktop,
  });

/** The platform's side of the desktop: records each call; the pickers answer with `nextPath`. */
function recordingDesktop() {
  const calls: { action: keyof DesktopActions; arg: string }[] = [];
  const desktop = {
    calls,
    nextPath: null as string | null,
    revealPath: (file: string) => void calls.push({ action: 'revealPath', arg: file }),
    openPath: async (file: string) => void calls.push({ action: 'openPath', arg: file }),
    chooseFolder: async (title: string) => {
      calls.push({ action: 'chooseFolder', arg: title });
      return desktop.nextPath;
    },
    chooseFile: async (title: string, extensions: string[]) => {
      calls.push({ action: 'chooseFile', arg: `${title} (${extensions.join(', ')})` });
      return desktop.nextPath;
    },
  };
  return desktop;
}

async function ok<T>(studio: Studio, method: string, input: unknown = {}): Promise<T> {
  const outcome = await dispatch(studio.handlers, method, input);
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.result as T;
}
async function refused(studio: Studio, method: string, input: unknown = {}): Promise<StudioErrorValue> {
  const outcome = await dispatch(studio.handlers, method, input);
  if (outcome.ok) throw new Error(`${method} was accepted`);
  return outcome.error;
}

/** Two imported A1111 PNGs: records whose files carry their settings. */
async function importTwo(studio: Studio): Promise<number[]> {
  const files = [1, 2].map((seed) => ({
    name: `fox-${seed}.png`,
    pngBase64: Buffer.from(pngWithText({ parameters: a1111Text }, seed)).toString('base64'),
  }));
  return (await ok<{ ids: number[] }>(studio, 'gallery.import', { files })).ids;
}

afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('with the desktop app', () => {
  const desktop = recordingDesktop();
  const dataDir = path.join(temp, 'desktop-data');
  let studio: Studio;
  let ids: number[];
  beforeAll(async () => {
    studio = open(dataDir, desktop);
    ids = await importTwo(studio);
  });
  afterAll(() => studio.close());

  it('says so in system.info', async () => {
    expect((await ok<SystemInfo>(studio, 'system.info')).desktop).toBe(true);
  });

  it("lists Automatic's stored measurements in system.info", async () => {
    expect((await ok<SystemInfo>(studio, 'system.info')).providerChoices).toEqual([]);
    // Figures as the engine stores them after a model's first job under Automatic.
    const { figures } = await chooseProvider({
      folder: path.join(dataDir, 'cache', 'optimized', 'abcdef0123'),
      modelHash: 'abcdef0123',
      modelName: 'sd15',
      machine: 'test',
      candidates: ['webgpu', 'cpu'],
      optimizerVersion: 1,
      size: { width: 512, height: 512, batch: 2 },
      measure: async (provider) => ({ ms: provider === 'webgpu' ? 114 : 4015, optimized: provider === 'webgpu' }),
    });
    expect((await ok<SystemInfo>(studio, 'system.info')).providerChoices).toEqual([
      {
        modelHash: 'abcdef0123',
        modelName: 'sd15',
        chosen: 'webgpu',
        reason: 'webgpu was fastest per UNet call (webgpu 114 ms, cpu 4015 ms)',
        measuredAt: figures.measuredAt,
        size: { width: 512, height: 512, batch: 2 },
        measurements: [
          { provider: 'webgpu', ms: 114, optimized: true },
          { provider: 'cpu', ms: 4015, optimized: false },
        ],
      },
    ]);
  });

  it('reveals the image file of a record, inside the data directory', async () => {
    desktop.calls.length = 0;
    expect(await ok(studio, 'gallery.reveal', { id: ids[1] })).toEqual({ revealed: ids[1] });
    const { record } = await ok<{ record: { path: string } }>(studio, 'gallery.get', { id: ids[1] });
    const expected = path.join(dataDir, ...record.path.split('/'));
    expect(desktop.calls).toEqual([{ action: 'revealPath', arg: expected }]);
    expect(path.relative(dataDir, expected)).toMatch(/^gallery[/\\]/);
    expect(existsSync(expected)).toBe(true);

    expect((await refused(studio, 'gallery.reveal', { id: 987654 })).code).toBe('not_found');
    rmSync(expected);
    expect(await refused(studio, 'gallery.reveal', { id: ids[1] })).toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/missing/) as unknown,
    });
    expect(desktop.calls).toHaveLength(1);
  });

  it('exports into the chosen folder: PNGs with their settings and a manifest', async () => {
    const chosen = path.join(temp, 'chosen');
    mkdirSync(chosen);
    desktop.calls.length = 0;
    desktop.nextPath = chosen;
    const result = await ok<{ cancelled: false; folder: string; files: string[] }>(studio, 'gallery.exportTo', {
      ids: [ids[0]],
    });
    expect(desktop.calls).toEqual([{ action: 'chooseFolder', arg: 'Export to folder' }]);
    expect(result).toEqual({
      cancelled: false,
      folder: chosen,
      files: [expect.stringMatching(/\.png$/), 'manifest.json'],
    });
    expect(readdirSync(chosen).sort()).toEqual([...result.files].sort());

    const png = readFileSync(path.join(chosen, result.files[0]));
    const info = await ok<{ prompt: string; steps: number; seed: string }>(studio, 'gallery.readPng', {
      pngBase64: png.toString('base64'),
    });
    expect(info).toMatchObject({ steps: 28, seed: '3141592653', prompt: expect.stringContaining('snowy forest') });
    const manifest = JSON.parse(readFileSync(path.join(chosen, 'manifest.json'), 'utf8')) as {
      format: string;
      records: { id: number; file: string }[];
    };
    expect(manifest.format).toBe('diffusion-studio-export/1');
    expect(manifest.records.map((r) => [r.id, r.file])).toEqual([[ids[0], result.files[0]]]);
  });

  it('writes nothing when the picker is cancelled', async () => {
    desktop.nextPath = null;
    const before = readdirSync(dataDir).sort();
    expect(await ok(studio, 'gallery.exportTo', { ids })).toEqual({ cancelled: true });
    expect(readdirSync(dataDir).sort()).toEqual(before);
  });

  it('opens the data directory, and gives the models panel the folder the user picked', async () => {
    desktop.calls.length = 0;
    expect(await ok(studio, 'system.openDataDir')).toEqual({ opened: true });
    expect(desktop.calls).toEqual([{ action: 'openPath', arg: dataDir }]);

    desktop.nextPath = path.join(temp, 'some-model');
    expect(await ok(studio, 'models.pickFolder')).toEqual({ path: path.join(temp, 'some-model') });
    desktop.nextPath = null;
    expect(await ok(studio, 'models.pickFolder')).toEqual({ path: null });
  });

  it('gives the checkpoint import the file the user picked, among checkpoints', async () => {
    desktop.calls.length = 0;
    desktop.nextPath = path.join(temp, 'model.safetensors');
    expect(await ok(studio, 'models.pickCheckpoint')).toEqual({ path: path.join(temp, 'model.safetensors') });
    expect(desktop.calls).toEqual([{ action: 'chooseFile', arg: 'Choose a checkpoint (safetensors, ckpt)' }]);
    desktop.nextPath = null;
    expect(await ok(studio, 'models.pickCheckpoint')).toEqual({ path: null });
  });
});

describe('without a desktop (the headless server, the CLI)', () => {
  let studio: Studio;
  let server: RunningServer;
  let ids: number[];
  beforeAll(async () => {
    studio = open(path.join(temp, 'headless-data'));
    ids = await importTwo(studio);
    const rendererDir = path.join(temp, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    server = await startServer({ studio, rendererDir });
  });
  afterAll(async () => {
    await server.close();
    await studio.close();
  });

  const calls: [string, object][] = [
    ['gallery.reveal', { id: 1 }],
    ['gallery.exportTo', { ids: [1] }],
    ['system.openDataDir', {}],
    ['models.pickFolder', {}],
    ['models.pickCheckpoint', {}],
  ];

  it('says so in system.info, and each desktop action fails with unsupported', async () => {
    expect((await ok<SystemInfo>(studio, 'system.info')).desktop).toBe(false);
    for (const [method, input] of calls) {
      const error = await refused(studio, method, method === 'gallery.reveal' ? { id: ids[0] } : input);
      expect(error, method).toMatchObject({ code: 'unsupported', message: expect.stringMatching(/desktop app/) });
    }
  });

  it('the server answers 400 with the typed error', async () => {
    for (const [method, input] of calls) {
      const response = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      expect(response.status, method).toBe(400);
      expect(await response.json(), method).toMatchObject({ code: 'unsupported' });
    }
  });
});
