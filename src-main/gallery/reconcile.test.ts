import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { galleryQuerySchema } from '../shared/gallery';
import { fakeJob, pixels, tempGallery, type TempGallery } from './test-support/temp-gallery';

let t: TempGallery;
beforeEach(() => {
  t = tempGallery();
});
afterEach(() => t.dispose());

const file = (media: string) => path.join(t.dir, media);

test('files without rows are indexed from their metadata, with their provenance', async () => {
  const [parent] = t.gallery.save(fakeJob({ seed: 1n }));
  const [child] = t.gallery.save(
    fakeJob({ seed: 2n, strength: 0.5 }, { initImage: { width: 64, height: 64, data: pixels(17) } }),
  );
  const [before] = t.gallery.records([child.id]);
  // As after a crash between writing the file and committing its row.
  t.db.prepare('DELETE FROM generations WHERE id = ?').run(child.id);
  rmSync(file(before.thumb));
  t.events.length = 0;

  const report = await t.gallery.reconcile({ settleMs: 0 });
  expect(report.indexed).toHaveLength(1);
  const [after] = t.gallery.records(report.indexed);
  const { id: _a, ...was } = before;
  const { id: _b, ...now } = after;
  expect(now).toEqual(was);
  expect(after.parent).toBe(parent.id);
  expect(existsSync(file(after.thumb))).toBe(true);
  expect(t.events.map((e) => e.event)).toEqual(['gallery.added']);
});

test('rows without files are flagged, never dropped, and unflagged when the file is back', async () => {
  const [a] = t.gallery.save(fakeJob({ seed: 1n }));
  const [record] = t.gallery.records([a.id]);
  const bytes = readFileSync(file(record.path));
  rmSync(file(record.path));
  let report = await t.gallery.reconcile({ settleMs: 0 });
  expect(report.missing).toEqual([a.id]);
  const [flagged] = t.gallery.list(galleryQuerySchema.parse({})).items;
  expect([flagged.id, flagged.missing]).toEqual([a.id, true]);
  // A second check reports nothing new.
  expect((await t.gallery.reconcile({ settleMs: 0 })).missing).toEqual([]);
  writeFileSync(file(record.path), bytes);
  report = await t.gallery.reconcile({ settleMs: 0 });
  expect(report.found).toEqual([a.id]);
  expect(t.gallery.records([a.id])[0].missing).toBe(false);
});

test('temp files of a crashed write go; young files are left to the process writing them; damaged files stay', async () => {
  const [a] = t.gallery.save(fakeJob({ seed: 1n }));
  const folder = path.dirname(file(t.gallery.records([a.id])[0].path));
  writeFileSync(path.join(folder, 'x.png.123.tmp'), 'half a png');
  writeFileSync(path.join(folder, 'broken.png'), 'not a png');
  rmSync(file(t.gallery.records([a.id])[0].thumb));
  expect(await t.gallery.reconcile()).toMatchObject({
    tempFilesRemoved: 0,
    indexed: [],
    unreadable: [],
    thumbnailsRebuilt: 1,
  });
  const report = await t.gallery.reconcile({ settleMs: 0 });
  expect(report).toMatchObject({ tempFilesRemoved: 1, indexed: [], missing: [] });
  expect(report.unreadable).toEqual([path.relative(t.dir, path.join(folder, 'broken.png')).split(path.sep).join('/')]);
  expect(existsSync(path.join(folder, 'broken.png'))).toBe(true);
});
