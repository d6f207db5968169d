// Another process (a second CLI run, the app) writing to the same studio.db: the gallery's writes wait for its
// write lock and then go through, keeping both processes' changes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { appRoot } from '../app-paths';
import { fakeJob, tempGallery, type TempGallery } from './test-support/temp-gallery';

let t: TempGallery;
beforeEach(() => {
  t = tempGallery();
});
afterEach(() => t.dispose());

/** A second process that holds studio.db's write lock, commits a change after `holdMs`, and exits. */
async function otherWriter(holdMs: number): Promise<Promise<number | null>> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1], { timeout: 5000 });
    db.exec('BEGIN IMMEDIATE');
    db.prepare('UPDATE generations SET rating = 5').run();
    process.stdout.write('locked\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs});
    db.exec('COMMIT');
    db.close();`;
  const child = spawn(process.execPath, ['-e', script, path.join(t.dir, 'studio.db')], {
    cwd: appRoot(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => data.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the other writer exited with ${code}`)));
  });
  return exited;
}

test('favouriting, saving and trashing wait for another process that holds the write lock', async () => {
  const [first] = t.gallery.save(fakeJob({ seed: 1n }));
  // Each call reads before it writes, while the other process holds the write lock and then commits.
  for (const write of [
    () => t.gallery.update({ ids: [first.id], favorite: true }),
    () => t.gallery.save(fakeJob({ seed: 2n })),
    () => t.gallery.delete([first.id]),
  ]) {
    const exited = await otherWriter(300);
    expect(write).not.toThrow();
    expect(await exited).toBe(0);
  }
  const [record] = t.gallery.records([first.id]);
  expect(record).toMatchObject({ favorite: true, trashed: true, rating: 5 });
});
