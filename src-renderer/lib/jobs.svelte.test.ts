// The job tracker follows its jobs through events, including those that arrive before submit's reply names the job.
import { expect, test } from 'vitest';
import type { EventName, Events, StudioApi } from '../../src-main/shared/contract';
import { JobTracker, type ActiveJob } from './jobs.svelte';

/** A transport with no server: events are pushed by the test, as the socket would push them. */
function eventSource() {
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const api = {
    on(name: string, listener: (payload: unknown) => void) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => {};
    },
  } as unknown as StudioApi;
  const emit = <E extends EventName>(name: E, payload: Events[E]) => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };
  return { api, emit };
}

const newJob = (reply: { jobId: string; seed: string }) => ({
  id: reply.jobId,
  seed: reply.seed,
  mode: 'txt2img' as const,
  width: 64,
  height: 64,
  batch: 1,
  total: 4,
});

test('events that beat the submit reply are applied once the reply names their job', async () => {
  const { api, emit } = eventSource();
  const done: ActiveJob[] = [];
  const tracker = new JobTracker(api, { done: (_e, job) => done.push(job), failed: () => {}, cancelled: () => {} });

  const reply = tracker.submit(async () => {
    emit('job.queued', { jobId: 'j1', position: 2 } as Events['job.queued']);
    emit('job.started', { jobId: 'j1' } as Events['job.started']);
    emit('job.step', { jobId: 'j1', step: 3, total: 4, elapsedMs: 30, etaMs: 10 } as Events['job.step']);
    emit('job.queued', { jobId: 'someone-else', position: 0 } as Events['job.queued']);
    return { jobId: 'j1', seed: '7' };
  }, newJob);
  await reply;

  expect(tracker.active).toHaveLength(1);
  expect(tracker.current).toMatchObject({ id: 'j1', status: 'running', position: 2, step: 3, etaMs: 10 });
  emit('job.done', { jobId: 'j1' } as Events['job.done']);
  expect(tracker.active).toHaveLength(0);
  expect(done.map((job) => job.id)).toEqual(['j1']);
});

test('events of jobs this view did not submit are ignored, not kept', async () => {
  const { api, emit } = eventSource();
  const tracker = new JobTracker(api, { done: () => {}, failed: () => {}, cancelled: () => {} });
  emit('job.started', { jobId: 'other' } as Events['job.started']);
  await tracker.submit(async () => ({ jobId: 'other', seed: '1' }), newJob);
  // Arrived while nothing was being submitted: not ours to replay.
  expect(tracker.current).toMatchObject({ id: 'other', status: 'queued' });
});

test('a job preparing an optimised copy shows the stage until its first step', async () => {
  const { api, emit } = eventSource();
  const tracker = new JobTracker(api, { done: () => {}, failed: () => {}, cancelled: () => {} });
  await tracker.submit(async () => ({ jobId: 'gpu', seed: '1' }), newJob);
  emit('job.preparing', { jobId: 'gpu', stage: 'optimising for webgpu: fusing attention', fraction: 0.4 });
  expect(tracker.current).toMatchObject({
    status: 'running',
    preparing: { stage: 'optimising for webgpu: fusing attention', fraction: 0.4 },
  });
  emit('job.step', { jobId: 'gpu', step: 1, total: 4, elapsedMs: 5, etaMs: 15 } as Events['job.step']);
  expect(tracker.current?.preparing).toBeUndefined();
});
