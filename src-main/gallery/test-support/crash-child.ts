// Test support, run as a child process by crash.test.ts: saves jobs in a loop and prints each committed id on stdout,
// until it is killed. With PAUSE_AT=n:files or n:transaction it stops on the n-th job at that point (after its files
// are written / inside its open transaction) and says so, to be killed there.
import { writeSync } from 'node:fs';
import { openStudioDb } from '../database';
import { createGallery } from '../gallery';
import { fakeJob } from './temp-gallery';

const [dataDir, firstSeed] = process.argv.slice(2);
const [pauseJob, pauseWhere] = (process.env.PAUSE_AT ?? '').split(':');
const db = openStudioDb(dataDir);
const say = (line: string) => writeSync(1, line + '\n');
const hang = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);

let job = 0;
const transaction = db.transaction.bind(db);
// The one seam: the database's transaction, wrapped to stop at the chosen moment of the chosen job.
db.transaction = ((fn: (...args: unknown[]) => unknown) => {
  const inside = transaction((...args: unknown[]) => {
    const result = fn(...args);
    if (String(job) === pauseJob && pauseWhere === 'transaction') {
      say('paused');
      hang();
    }
    return result;
  });
  const pausing =
    (run: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      if (String(job) === pauseJob && pauseWhere === 'files') {
        say('paused');
        hang();
      }
      return run(...args);
    };
  // Every way of running the transaction (the gallery's writes run `.immediate`) stops at the same points.
  return Object.assign(pausing(inside), {
    deferred: pausing(inside.deferred),
    immediate: pausing(inside.immediate),
    exclusive: pausing(inside.exclusive),
  });
}) as typeof db.transaction;

const gallery = createGallery({ db, dataDir });
for (let seed = BigInt(firstSeed); ; seed++) {
  job++;
  const saved = gallery.save(fakeJob({ seed, batch: 2, width: 128, height: 128 }));
  say(saved.map((s) => s.id).join(' '));
}
