// Test support: a gallery in a fresh temporary data directory, and finished "jobs" made of seeded pixels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResolvedSettings } from '../../engine';
import type { GalleryEvents } from '../../shared/gallery';
import { openStudioDb, type StudioDb } from '../database';
import { createGallery, type Gallery, type GalleryDeps } from '../gallery';
import type { GalleryGenerate } from '../reproduce';
import type { SaveJob } from '../save';

export interface TempGallery {
  dir: string;
  db: StudioDb;
  gallery: Gallery;
  events: { event: keyof GalleryEvents; payload: GalleryEvents[keyof GalleryEvents] }[];
  reopen(): TempGallery;
  dispose(): void;
}

export function tempGallery(
  options: { dir?: string; generate?: GalleryGenerate; writeFile?: GalleryDeps['writeFile'] } = {},
): TempGallery {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'gallery-'));
  const db = openStudioDb(dir);
  const events: TempGallery['events'] = [];
  const gallery = createGallery({
    db,
    dataDir: dir,
    generate: options.generate,
    writeFile: options.writeFile,
    events: { emit: (event, payload) => events.push({ event, payload }) },
  });
  return {
    dir,
    db,
    gallery,
    events,
    reopen() {
      db.close();
      return tempGallery({ ...options, dir });
    },
    dispose() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const baseSettings: ResolvedSettings = {
  prompt: 'a red circle',
  negative: '',
  seed: 1n,
  steps: 20,
  guidance: 7.5,
  scheduler: 'euler-a',
  width: 64,
  height: 64,
  batch: 1,
  strength: null,
  model: { name: 'tiny', hash: '0123456789' },
};

/** Pixels that depend on the seed, so different jobs make different images (and files). */
export function pixels(seed: number, width = 64, height = 64): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < rgb.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    rgb[i] = s >>> 24;
  }
  return rgb;
}

export function fakeJob(settings: Partial<ResolvedSettings> = {}, extra: Partial<SaveJob> = {}): SaveJob {
  const s = { ...baseSettings, ...settings };
  const images = Array.from({ length: s.batch }, (_, index) => ({
    rgb: pixels(Number(s.seed % 100000n) * 17 + index, s.width, s.height),
    width: s.width,
    height: s.height,
    seed: s.seed,
    index,
  }));
  return { images, settings: s, provider: 'cpu', timings: { totalMs: 12, denoiseMs: 10 }, ...extra };
}
