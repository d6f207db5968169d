// Import fuzz: corrupt PNGs of every kind a careless tool or a hostile file can produce. Each damaged one is refused
// with a report naming it, images whose only fault is garbage metadata still arrive, nothing crashes, and what the
// gallery held before is untouched, row for row and byte for byte. Seeded: the same files every run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodePngRgb } from '../formats/png/png-metadata';
import { pngChunk, pngChunks, pngFromChunks, withHeaderSize, zipBombText } from '../formats/png/test-support/png-craft';
import { gallerySnapshot } from './test-support/gallery-snapshot';
import { a1111Text, comfyPrompt, invokeMetadata, pngWithText } from './test-support/foreign-png';
import { fakeJob, tempGallery, type TempGallery } from './test-support/temp-gallery';

const kinds = [
  'truncated',
  'bad CRC',
  'huge tEXt',
  'zip bomb in zTXt',
  'zip bomb in iTXt',
  'huge dimensions',
  'wrong dimensions',
  'bad chunk order',
  'garbage metadata',
] as const;
type Kind = (typeof kinds)[number];

let t: TempGallery;
let sources: Uint8Array[];
beforeAll(() => {
  t = tempGallery();
  const saved = t.gallery.save(fakeJob({ seed: 3n, batch: 2, width: 48, height: 32 }));
  sources = [
    new Uint8Array(readFileSync(path.join(t.dir, saved[0].path))),
    pngWithText({ parameters: a1111Text }, 11),
    pngWithText({ invokeai_metadata: JSON.stringify(invokeMetadata) }, 12, 40, 24),
    pngWithText({ prompt: JSON.stringify(comfyPrompt), Comment: 'ünïcode text' }, 13, 16, 56),
    encode({ width: 20, height: 12, data: new Uint16Array(20 * 12 * 4).fill(0x8080), channels: 4, depth: 16 }),
  ];
});
afterAll(() => t.dispose());

function corrupt(png: Uint8Array, kind: Kind, random: () => number, bombs: Record<string, Uint8Array>): Uint8Array {
  const chunks = pngChunks(png);
  const pick = (type?: string) => {
    const some = type ? chunks.filter((c) => c.type === type) : chunks;
    return some[Math.floor(random() * some.length)];
  };
  const after = (type: string, ...extra: Uint8Array[]) => {
    const at = chunks.findIndex((c) => c.type === type);
    return pngFromChunks(png, [
      ...chunks.slice(0, at + 1).map((c) => c.bytes),
      ...extra,
      ...chunks.slice(at + 1).map((c) => c.bytes),
    ]);
  };
  switch (kind) {
    case 'truncated':
      return png.subarray(0, 8 + Math.floor(random() * (png.length - 8)));
    case 'bad CRC': {
      const bad = png.slice();
      const chunk = pick();
      bad[chunk.offset + 4 + Math.floor(random() * (chunk.body.length + 8))] ^= 1 << Math.floor(random() * 8);
      return bad;
    }
    case 'huge tEXt': {
      // Either a real text chunk past the bound, or a length field claiming gigabytes the file does not hold.
      if (random() < 0.3) return after('IHDR', pngChunk('tEXt', bombs.hugeText));
      const lying = pngChunk('tEXt', new TextEncoder().encode('parameters\0a fox'));
      new DataView(lying.buffer).setUint32(0, 0x7fffff00 + Math.floor(random() * 255));
      return after('IHDR', lying);
    }
    case 'zip bomb in zTXt':
      return after('IHDR', bombs.zTXt);
    case 'zip bomb in iTXt':
      return after('IHDR', bombs.iTXt);
    case 'huge dimensions': {
      const side = 8193 + Math.floor(random() * 60000);
      return random() < 0.5
        ? withHeaderSize(png, side, 1 + Math.floor(random() * 8192))
        : withHeaderSize(png, 6000, 6000);
    }
    case 'wrong dimensions': {
      const { width, height } = decodePngRgb(png);
      const dw = 1 + Math.floor(random() * 5);
      return random() < 0.5
        ? withHeaderSize(png, width, height + dw)
        : withHeaderSize(png, width + dw, Math.max(1, height - dw));
    }
    case 'bad chunk order': {
      const order = chunks.map((c) => c.bytes);
      const idat = chunks.findIndex((c) => c.type === 'IDAT');
      const moves = [
        () => [order[idat], ...order.filter((_, i) => i !== idat)], // IDAT before IHDR
        () => [order[0], order.at(-1)!, ...order.slice(1)], // IEND right after IHDR
        () => [order[0], ...order], // IHDR twice
        () => order.filter((c) => chunks[order.indexOf(c)].type !== 'IDAT'), // no image data
        () => [order[0], pngChunk('XyZw', new Uint8Array(3)), ...order.slice(1)], // unknown critical chunk
      ];
      return pngFromChunks(png, moves[Math.floor(random() * moves.length)]());
    }
    case 'garbage metadata': {
      const garbage = Uint8Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * 256));
      const keyword = ['parameters', 'studio', 'studio-gallery', 'prompt', 'workflow', 'invokeai_metadata'][
        Math.floor(random() * 6)
      ];
      const body = new Uint8Array([...new TextEncoder().encode(keyword), 0, ...garbage]);
      return after('IHDR', pngChunk(random() < 0.5 ? 'tEXt' : 'iTXt', body));
    }
  }
}

describe('importing 180 corrupt PNGs', () => {
  test('damaged ones are refused naming the file, garbage metadata imports, the gallery is untouched', async () => {
    const bombs = {
      zTXt: zipBombText('zTXt', 'parameters', 64 << 20),
      iTXt: zipBombText('iTXt', 'parameters', 64 << 20),
      hugeText: new Uint8Array([
        ...new TextEncoder().encode('parameters'),
        0,
        ...new Uint8Array((4 << 20) + 1).fill(97),
      ]),
    };
    expect(bombs.zTXt.length).toBeLessThan(100_000);
    const before = gallerySnapshot(t.db, t.dir);
    let state = 2024;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const files = Array.from({ length: 180 }, (_, i) => {
      const kind = kinds[i % kinds.length];
      // Seeded pixels make every garbage-metadata image new (not a duplicate of an earlier import).
      const base = kind === 'garbage metadata' ? pngWithText({}, 100 + i, 8, 8) : sources[i % sources.length];
      return { name: `fuzz-${i}-${kind.replace(/\W+/g, '-')}.png`, kind, bytes: corrupt(base, kind, random, bombs) };
    });
    const started = performance.now();
    const summary = await t.gallery.import(files.map((f) => ({ name: f.name, read: async () => f.bytes })));
    const seconds = (performance.now() - started) / 1000;

    const failed = new Map(summary.failed.map((f) => [f.file, f.error]));
    for (const file of files) {
      if (file.kind === 'garbage metadata') {
        expect(failed.has(file.name), `${file.name}: ${failed.get(file.name)}`).toBe(false);
      } else {
        expect(failed.get(file.name), file.name).toMatch(/^(not a PNG|damaged PNG|the image is|the text chunk|a tEXt)/);
      }
    }
    expect(summary.imported).toBe(20);
    expect(summary.failed).toHaveLength(160);

    // Rows and files that were there before are as they were; the new rows' files are all that was added.
    const after = gallerySnapshot(t.db, t.dir);
    const newRows = t.gallery.records(summary.ids);
    type Rows = Record<string, { id: number }[]>;
    const kept = (after.rows as Rows).generations.filter((r) => !summary.ids.includes(r.id));
    expect(kept).toEqual((before.rows as Rows).generations);
    const added = Object.keys(after.files).filter((f) => !(f in before.files));
    expect(added.sort()).toEqual(newRows.flatMap((r) => [r.path, r.thumb]).sort());
    for (const [file, hash] of Object.entries(before.files)) expect(after.files[file], file).toBe(hash);
    expect(seconds).toBeLessThan(30);
  });
});
