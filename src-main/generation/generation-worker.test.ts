// The app's path: jobs submitted through the contract run in the engine's worker thread (the built
// dist-main/engine-worker.js), report steps, save their images, and stop within a step when cancelled.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import { ENGINE_NICENESS } from '../engine/jobs/worker-priority';
import { appRoot } from '../app-paths';
import type { EventName, Events } from '../shared/contract';
import { createStudio, type Studio } from '../studio';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models');
let studio: Studio;
let dataDir: string;

beforeAll(() => {
  if (!existsSync(path.join(appRoot(), 'dist-main', 'engine-worker.js'))) {
    const build = spawnSync(process.execPath, [path.join(appRoot(), 'scripts', 'build.mjs'), '--main', '--quiet']);
    if (build.status !== 0) throw new Error('building the engine worker failed');
  }
  dataDir = mkdtempSync(path.join(tmpdir(), 'studio-worker-'));
  studio = createStudio({ dataDir, appVersion: '0.0.0', bundledModelsDir: fixtures, engineMode: 'thread', threads: 1 });
});

afterAll(async () => {
  await studio.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function submit(input: Record<string, unknown>): Promise<string> {
  const outcome = await dispatch(studio.handlers, 'generate.submit', { model: 'tiny-sd', ...input });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return (outcome.result as { jobId: string }).jobId;
}

/** Collects a job's events until it ends. */
function eventsOf(jobId: string, onEvent?: (event: EventName) => void) {
  return new Promise<{ event: EventName; payload: unknown }[]>((resolve) => {
    const seen: { event: EventName; payload: unknown }[] = [];
    const stop = studio.events.subscribe((event, payload) => {
      if ((payload as { jobId?: string }).jobId !== jobId) return;
      seen.push({ event, payload });
      onEvent?.(event);
      if (event === 'job.done' || event === 'job.failed' || event === 'job.cancelled') {
        stop();
        resolve(seen);
      }
    });
  });
}

describe('generation in the worker thread', () => {
  it('runs a job off the main thread and saves its images', async () => {
    let jobId = '';
    const ended = new Promise<{ event: EventName; payload: unknown }[]>((resolve) => {
      void submit({ prompt: 'a red circle', seed: '7', steps: 4, previewEvery: 2 }).then((id) => {
        jobId = id;
        resolve(eventsOf(id));
      });
    });
    const events = await ended;
    const names = events.map((e) => e.event);
    expect(names.at(-1)).toBe('job.done');
    expect(names.filter((n) => n === 'job.step').length).toBe(5); // PNDM: N + 1 UNet calls
    const previews = events.filter((e) => e.event === 'job.step' && (e.payload as Events['job.step']).preview);
    expect(previews.length).toBeGreaterThan(0);
    const done = events.at(-1)!.payload as Events['job.done'];
    expect(done.jobId).toBe(jobId);
    expect(done.settings).toMatchObject({ seed: '7', steps: 4, scheduler: 'pndm', width: 64, height: 64 });
    expect(done.provider).toBe('cpu');
    expect(existsSync(path.join(dataDir, done.images[0].media))).toBe(true);
  });

  it.runIf(process.platform === 'linux')(
    'runs the engine below the main thread: its worker and the threads it started are lowered, the main one is not',
    () => {
      const niceOf = (tid: string) =>
        Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
      const threads = readdirSync('/proc/self/task');
      const main = niceOf(String(process.pid));
      expect(main).toBe(os.getPriority(0));
      const lowered = threads.filter((tid) => niceOf(tid) === Math.max(main, ENGINE_NICENESS));
      expect(lowered.length).toBeGreaterThan(0);
      if (main < ENGINE_NICENESS) expect(lowered).not.toContain(String(process.pid));
    },
  );

  it('stops a job within a step when it is cancelled', async () => {
    let steps = 0;
    let jobId = '';
    const ended = submit({ prompt: 'a red circle', seed: '8', steps: 150 }).then((id) => {
      jobId = id;
      return eventsOf(id, (event) => {
        if (event === 'job.step' && ++steps === 2) void dispatch(studio.handlers, 'generate.cancel', { jobId });
      });
    });
    const events = await ended;
    const last = events.at(-1)!;
    expect(last.event).toBe('job.cancelled');
    const cancelledAt = (last.payload as Events['job.cancelled']).step;
    // The engine checks the signal before every UNet call; the rest is the cancel message crossing threads while the
    // worker (a few ms per step on this model) runs on.
    expect(cancelledAt).toBeGreaterThanOrEqual(2);
    expect(cancelledAt).toBeLessThan(20);
  });

  it('reports a bad request as a typed failure and keeps serving', async () => {
    const bad = await dispatch(studio.handlers, 'generate.submit', { model: 'tiny-sd', prompt: 'x', width: 72 });
    expect(bad.ok).toBe(true); // a multiple of 8, so the contract accepts it; the model (multiple of 16) does not
    const events = await eventsOf((bad as { result: { jobId: string } }).result.jobId);
    expect(events.at(-1)).toMatchObject({
      event: 'job.failed',
      payload: { error: { code: 'invalid_input', message: expect.stringContaining('width') } },
    });
    const next = await submit({ prompt: 'a blue square', seed: '9', steps: 2 });
    expect((await eventsOf(next)).at(-1)!.event).toBe('job.done');
  });
});
