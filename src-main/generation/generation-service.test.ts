// Internal jobs (reproduce, concept previews) run through the same queue as the views' jobs but never reach the
// views, not even their first `queued` event; submitted jobs get a random seed over the full range.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { appRoot } from '../app-paths';
import { createEngine } from '../engine/engine';
import { createInlineWorker } from '../engine/jobs/inline-worker';
import { writeFakeModel } from '../engine/test-support/fake-model';
import { createJobQueue, type JobQueue } from '../engine/jobs/job-queue';
import { createEventHub } from '../event-hub';
import { createModelLibrary } from '../models/model-library';
import type { Events } from '../shared/contract';
import { generateRequestSchema } from '../shared/generation';
import { createGenerationService } from './generation-service';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models');
const dataDir = mkdtempSync(path.join(tmpdir(), 'generation-'));
const events = createEventHub();
const seen: string[] = [];
events.subscribe((event) => seen.push(event));
const inspector = createEngine({ providers: 'cpu' });
const queue: JobQueue = createJobQueue({
  spawn: () => createInlineWorker({ providers: 'cpu', threads: 1 }),
  onEvent: (event) => generation.handleJobEvent(event),
});
const generation = createGenerationService({
  dataDir,
  models: createModelLibrary({ bundledDir: fixtures, userDir: path.join(dataDir, 'models') }),
  queue: () => queue,
  inspector,
  events,
  save: () => [],
  log: () => {},
});

afterAll(async () => {
  await queue.close();
  await inspector.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

test('an internal job resolves with its result and emits no job event', async () => {
  const result = await generation.run({
    model: { name: 'tiny-sd', hash: null },
    params: { prompt: 'a red circle', seed: 5n, steps: 2, width: 64, height: 64 },
  });
  expect(result.images).toHaveLength(1);
  expect(seen).toEqual([]);
});

test('a request without a seed gets one from the full 64-bit range', () => {
  const seeds = Array.from({ length: 16 }, () => {
    const { jobId, seed } = generation.submit(generateRequestSchema.parse({ model: 'tiny-sd', prompt: 'x', steps: 1 }));
    generation.cancel(jobId);
    return BigInt(seed);
  });
  // Uniform over 0 … 2⁶⁴ − 1: a seed below 2³² has probability 2⁻³²; the old 32-bit draw gave only those. (16 jobs:
  // cancelled jobs leave the queue only when the worker answers, and the queue holds at most 32.)
  expect(seeds.some((s) => s >= 2n ** 32n)).toBe(true);
  expect(seen.filter((e) => e === 'job.queued')).toHaveLength(16);
});

test('what the engine had to change reaches the views with the finished job', async () => {
  // A UNet fixed at 77 token positions cannot take a second chunk: the prompt is cut, and job.done says so.
  writeFakeModel(path.join(dataDir, 'models', 'fixed-tokens'), { fixedSequenceLength: 77 });
  const done = new Promise<Events['job.done']>((resolve) => {
    const stop = events.subscribe((event, payload) => {
      if (event !== 'job.done') return;
      stop();
      resolve(payload as Events['job.done']);
    });
  });
  generation.submit(
    generateRequestSchema.parse({ model: 'fixed-tokens', prompt: 'a '.repeat(80), steps: 1, width: 64, height: 64 }),
  );
  expect((await done).warnings).toEqual([
    "this model's UNet takes exactly 77 token positions: the prompt was cut to its first 75 tokens (5 left out)",
  ]);
});
