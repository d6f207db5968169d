import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readPngMetadata } from '../formats/png/png-metadata';
import { galleryQuerySchema } from '../shared/gallery';
import { a1111Text, invokeMetadata, pngWithText } from './test-support/foreign-png';
import { fakeJob, pixels, tempGallery, type TempGallery } from './test-support/temp-gallery';

let t: TempGallery;
beforeEach(() => {
  t = tempGallery();
});
afterEach(() => t.dispose());

const file = (media: string) => path.join(t.dir, media);
const all = (query = {}) => t.gallery.list(galleryQuerySchema.parse(query)).items;

describe('save', () => {
  test('writes each PNG (settings embedded) and its thumbnail under gallery/YYYY-MM/, then the rows; tells the views', () => {
    const saved = t.gallery.save(fakeJob({ batch: 2, seed: 42n, width: 512, height: 384 }));
    expect(saved.map((s) => s.index)).toEqual([0, 1]);
    const [first] = t.gallery.records([saved[0].id]);
    expect(first).toMatchObject({
      source: 'studio',
      metadata: 'complete',
      prompt: 'a red circle',
      seed: '42',
      batchIndex: 0,
      batchSize: 2,
      steps: 20,
      guidance: 7.5,
      scheduler: 'euler-a',
      width: 512,
      height: 384,
      model: 'tiny',
      modelHash: '0123456789',
      strength: null,
      parent: null,
      provider: 'cpu',
      timings: { totalMs: 12, denoiseMs: 10 },
      favorite: false,
      rating: null,
      trashed: false,
      missing: false,
    });
    expect(first.path).toMatch(/^gallery\/\d{4}-\d{2}\/\d{8}-\d{6}-42-0-[0-9a-f]{8}\.png$/);
    const meta = readPngMetadata(readFileSync(file(first.path)));
    expect(meta.parameters).toContain('Seed: 42, Size: 512x384');
    expect(meta.studio).toMatchObject({ format: 'diffusion-studio/1', seed: '42', index: 0, batch: 2 });
    expect(JSON.parse(meta.text['studio-gallery'])).toMatchObject({ provider: 'cpu', parent: null });
    const thumb = decode(readFileSync(file(first.thumb)));
    expect([thumb.width, thumb.height]).toEqual([256, 192]);
    expect(t.events.map((e) => e.event)).toEqual(['gallery.added']);
    expect((t.events[0].payload as { records: { id: number }[] }).records.map((r) => r.id)).toEqual(
      saved.map((s) => s.id),
    );
  });

  test('img2img keeps one copy of the init image and finds the parent it was taken from', () => {
    const [parent] = t.gallery.save(fakeJob({ seed: 1n }));
    const parentPixels = pixels(17, 64, 64);
    const job = fakeJob({ seed: 2n, strength: 0.6 }, { initImage: { width: 64, height: 64, data: parentPixels } });
    const [child] = t.gallery.save(job);
    const [again] = t.gallery.save(
      fakeJob({ seed: 3n, strength: 0.6 }, { initImage: { width: 64, height: 64, data: parentPixels } }),
    );
    const [c, a] = t.gallery.records([child.id, again.id]);
    expect(c.parent).toBe(parent.id);
    expect(c.strength).toBe(0.6);
    expect(c.initImage).toMatch(/^gallery\/inits\/[0-9a-f]{32}\.png$/);
    expect(a.initImage).toBe(c.initImage);
    expect(readdirSync(file('gallery/inits'))).toHaveLength(1);
    expect(Buffer.from(decode(readFileSync(file(c.initImage!))).data)).toEqual(Buffer.from(parentPixels));
    const detail = t.gallery.get(child.id);
    expect(detail.ancestors.map((r) => r.id)).toEqual([parent.id]);
    expect(t.gallery.get(parent.id).children.map((r) => r.id)).toEqual([child.id, again.id]);
    expect(all({ hasInitImage: true }).map((r) => r.id)).toEqual([again.id, child.id]);
  });

  test('inpainting keeps its mask beside the init image, named in the file; emptying the trash removes both', () => {
    const init = { width: 64, height: 64, data: pixels(5, 64, 64) };
    const grey = new Uint8Array(64 * 64).fill(255, 0, 64 * 32);
    const [made] = t.gallery.save(
      fakeJob({ seed: 4n, strength: 1 }, { initImage: init, mask: { width: 64, height: 64, data: grey } }),
    );
    const [record] = t.gallery.records([made.id]);
    const stored = readdirSync(file('gallery/inits')).map((name) => `gallery/inits/${name}`);
    expect(stored).toHaveLength(2);
    const maskMedia = stored.find((m) => m !== record.initImage)!;
    // Stored as RGB: each grey level three times.
    expect(Array.from(decode(readFileSync(file(maskMedia))).data.slice(0, 3))).toEqual([255, 255, 255]);
    const info = JSON.parse(readPngMetadata(readFileSync(file(record.path))).text['studio-gallery']) as {
      mask: string;
    };
    expect(info.mask).toBe(maskMedia);
    t.gallery.delete([made.id]);
    t.gallery.emptyTrash();
    expect(existsSync(file(maskMedia))).toBe(false);
    expect(existsSync(file(record.initImage!))).toBe(false);
  });
});

describe('user state and the trash', () => {
  test('favorite, rating, tags and boards on a selection; every change is an event', () => {
    const [a] = t.gallery.save(fakeJob({ seed: 1n }));
    const [b] = t.gallery.save(fakeJob({ seed: 2n }));
    const board = t.gallery.boards.create('Best');
    t.events.length = 0;
    const updated = t.gallery.update({
      ids: [a.id, b.id],
      favorite: true,
      rating: 5,
      addTags: ['fox', 'night'],
      addBoards: [board.id],
    });
    expect(updated.map((r) => [r.favorite, r.rating, r.tags, r.boards])).toEqual([
      [true, 5, ['fox', 'night'], [{ id: board.id, name: 'Best' }]],
      [true, 5, ['fox', 'night'], [{ id: board.id, name: 'Best' }]],
    ]);
    const [after] = t.gallery.update({ ids: [a.id], rating: null, removeTags: ['fox'], removeBoards: [board.id] });
    expect([after.rating, after.tags, after.boards]).toEqual([null, ['night'], []]);
    expect(t.events.map((e) => e.event)).toEqual(['gallery.updated', 'gallery.updated']);
    expect(t.gallery.boards.list()).toEqual([expect.objectContaining({ name: 'Best', count: 1 })]);
    expect(() => t.gallery.boards.create('best')).toThrow(/exists/);
    expect(() => t.gallery.update({ ids: [999], favorite: true })).toThrow(/not in the gallery/);
    expect(() => t.gallery.update({ ids: [a.id], addBoards: [999] })).toThrow(/No board/);
  });

  test('delete moves to the trash, restore undoes it, emptying removes files and rows for good', () => {
    const [a] = t.gallery.save(fakeJob({ seed: 1n }));
    const [b] = t.gallery.save(
      fakeJob({ seed: 2n, strength: 0.5 }, { initImage: { width: 64, height: 64, data: pixels(999) } }),
    );
    const [recordB] = t.gallery.records([b.id]);
    t.events.length = 0;
    expect(t.gallery.delete([a.id, b.id])).toEqual({ trashed: [a.id, b.id] });
    expect(all()).toEqual([]);
    expect(all({ trash: true }).map((r) => r.id)).toEqual([b.id, a.id]);
    expect(t.gallery.restore([a.id])).toEqual({ restored: [a.id] });
    expect(all().map((r) => r.id)).toEqual([a.id]);
    expect(t.gallery.emptyTrash()).toEqual({ removed: [b.id] });
    expect(existsSync(file(recordB.path))).toBe(false);
    expect(existsSync(file(recordB.thumb))).toBe(false);
    expect(existsSync(file(recordB.initImage!))).toBe(false);
    expect(t.events.map((e) => [e.event, 'permanent' in e.payload ? e.payload.permanent : null])).toEqual([
      ['gallery.removed', false],
      ['gallery.added', null],
      ['gallery.removed', true],
    ]);
    // Ids are never handed out again.
    const [c] = t.gallery.save(fakeJob({ seed: 3n }));
    expect(c.id).toBeGreaterThan(b.id);
  });
});

describe('export and import', () => {
  test('export copies the PNGs with a manifest; importing them elsewhere gives the same records', async () => {
    const saved = t.gallery.save(fakeJob({ seed: 7n, batch: 2, prompt: 'exported fox' }));
    const out = mkdtempSync(path.join(tmpdir(), 'export-'));
    const report = t.gallery.export(
      saved.map((s) => s.id),
      out,
    );
    expect(report.files).toHaveLength(3);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.records.map((r: { id: number; file: string }) => [r.id, r.file])).toEqual(
      saved.map((s) => [s.id, `${s.id}-${path.basename(s.path)}`]),
    );

    const other = tempGallery();
    try {
      const summary = await other.gallery.importFolder(out);
      expect(summary).toMatchObject({ imported: 2, skipped: 0, failed: [] });
      const imported = other.gallery.records(summary.ids);
      expect(
        imported.map((r) => [r.source, r.prompt, r.seed, r.batchIndex, r.batchSize, r.scheduler, r.model]),
      ).toEqual([
        ['studio', 'exported fox', '7', 0, 2, 'euler-a', 'tiny'],
        ['studio', 'exported fox', '7', 1, 2, 'euler-a', 'tiny'],
      ]);
      expect((await other.gallery.importFolder(out)).skipped).toBe(2);
    } finally {
      other.dispose();
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('a folder of A1111, InvokeAI and plain PNGs with a corrupt one: reported, the rest imported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'import-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'a1111.png'), pngWithText({ parameters: a1111Text }, 1, 32, 48));
      writeFileSync(
        path.join(dir, 'sub', 'invoke.png'),
        pngWithText({ invokeai_metadata: JSON.stringify(invokeMetadata) }, 2),
      );
      writeFileSync(path.join(dir, 'plain.PNG'), pngWithText({}, 3, 40, 24));
      const corrupt = pngWithText({ parameters: a1111Text }, 4);
      writeFileSync(path.join(dir, 'corrupt.png'), corrupt.subarray(0, corrupt.length - 40));
      writeFileSync(path.join(dir, 'fake.png'), 'not a png at all');
      writeFileSync(path.join(dir, 'notes.txt'), 'ignored');

      const summary = await t.gallery.importFolder(dir);
      expect(summary.imported).toBe(3);
      expect(summary.failed.map((f) => f.file)).toEqual(['corrupt.png', 'fake.png']);
      expect(summary.failed[0].error).toMatch(/damaged PNG/);
      expect(summary.failed[1].error).toBe('not a PNG file');
      const records = t.gallery.records(summary.ids);
      expect(records.map((r) => [r.source, r.metadata, r.scheduler, r.width, r.height])).toEqual([
        ['a1111', 'complete', 'dpmpp-2m-karras', 512, 768],
        ['unknown', 'none', null, 40, 24],
        ['invokeai', 'complete', 'euler-a', 512, 512],
      ]);
      expect(records[0].concepts).toEqual([{ trigger: 'cat-toy', hash: '1a2b3c4d5e6f' }]);
      // The bytes are kept as they were: the other tool's metadata stays in the file.
      expect(readPngMetadata(readFileSync(file(records[0].path))).parameters).toBe(a1111Text);
      expect(all({ query: 'fox -lighthouse', source: 'a1111' }).map((r) => r.id)).toEqual([records[0].id]);
      expect(all({ concept: 'cat-toy' }).map((r) => r.id)).toEqual([records[0].id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('presets', () => {
  test('save, list, apply and delete full parameter sets', () => {
    const params = {
      prompt: 'a fox',
      negative: 'blur',
      model: 'tiny',
      scheduler: 'ddim' as const,
      steps: 30,
      guidance: 5,
      width: 512,
      height: 512,
      concepts: [{ trigger: 'cat-toy', hash: 'abc' }],
      seedPolicy: 'fixed' as const,
      seed: '99',
    };
    const preset = t.gallery.presets.save('Fox', params);
    expect(t.gallery.presets.list()).toEqual([preset]);
    expect(t.gallery.presets.apply(preset.id)).toEqual({
      settings: {
        prompt: 'a fox',
        negative: 'blur',
        model: 'tiny',
        scheduler: 'ddim',
        steps: 30,
        guidance: 5,
        width: 512,
        height: 512,
        seed: '99',
        batch: 1,
      },
      concepts: [{ trigger: 'cat-toy', hash: 'abc' }],
    });
    const replaced = t.gallery.presets.save('fox', { ...params, seedPolicy: 'random', seed: undefined });
    expect(replaced.id).toBe(preset.id);
    expect(t.gallery.presets.apply(preset.id).settings.seed).toBeUndefined();
    expect(t.gallery.presets.delete(preset.id)).toBe(true);
    expect(t.gallery.presets.list()).toEqual([]);
  });
});
