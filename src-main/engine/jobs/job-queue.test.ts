import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createJobQueue, type JobEvent, type WorkerLike } from './job-queue';
import type { FromWorker, ToWorker } from './worker-protocol';

/** A scripted worker: records what it is sent, and replies when the test says so. */
function fakeWorker() {
  const emitter = new EventEmitter();
  const sent: ToWorker[] = [];
  const worker = {
    postMessage: (m: ToWorker) => sent.push(m),
    on(event: string, listener: Parameters<EventEmitter['on']>[1]) {
      emitter.on(event, listener);
      return this;
    },
    terminate: async () => 0,
  } as WorkerLike;
  return {
    worker,
    sent,
    reply: (m: FromWorker) => emitter.emit('message', m),
    exit: (code: number) => emitter.emit('exit', code),
  };
}

const params = { prompt: 'a red circle', seed: 1n };

describe('job queue', () => {
  it('queues, runs and finishes jobs in order, one worker for all', () => {
    const fake = fakeWorker();
    let spawned = 0;
    const events: JobEvent[] = [];
    const queue = createJobQueue({ spawn: () => (spawned++, fake.worker), onEvent: (e) => events.push(e) });
    const a = queue.submit('/m', params);
    const b = queue.submit('/m', params, { previewEvery: 5 });
    expect(spawned).toBe(1);
    expect(events).toEqual([
      { type: 'queued', jobId: a, position: 0 },
      { type: 'queued', jobId: b, position: 1 },
    ]);
    expect(fake.sent.map((m) => m.type === 'generate' && m.previewEvery)).toEqual([0, 5]);
    fake.reply({ type: 'started', jobId: a });
    expect(queue.active()).toEqual([
      { jobId: a, state: 'running' },
      { jobId: b, state: 'queued' },
    ]);
    fake.reply({ type: 'cancelled', jobId: a, step: 3 });
    expect(queue.active()).toEqual([{ jobId: b, state: 'queued' }]);
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: a, step: 3 });
  });

  it('takes the id a caller names, so that the caller knows the job by its first event', () => {
    const fake = fakeWorker();
    const events: JobEvent[] = [];
    const queue = createJobQueue({ spawn: () => fake.worker, onEvent: (e) => events.push(e) });
    const named = '11111111-1111-4111-8111-111111111111';
    expect(queue.submit('/m', params, { jobId: named })).toBe(named);
    expect(events).toEqual([{ type: 'queued', jobId: named, position: 0 }]);
    expect(() => queue.submit('/m', params, { jobId: named })).toThrow(/already queued/);
  });

  it('forwards cancel only for jobs it knows', () => {
    const fake = fakeWorker();
    const queue = createJobQueue({ spawn: () => fake.worker, onEvent: () => {} });
    const id = queue.submit('/m', params);
    expect(queue.cancel(id)).toBe(true);
    expect(queue.cancel('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(fake.sent.at(-1)).toEqual({ type: 'cancel', jobId: id });
  });

  it('fails the job a crashed worker was running, and hands the waiting ones to a fresh worker', () => {
    const first = fakeWorker();
    const second = fakeWorker();
    const workers = [first.worker, second.worker];
    const events: JobEvent[] = [];
    const queue = createJobQueue({ spawn: () => workers.shift()!, onEvent: (e) => events.push(e) });
    const a = queue.submit('/m', params);
    const b = queue.submit('/m', params);
    const c = queue.submit('/m', params);
    queue.cancel(c);
    first.exit(134);
    expect(events.at(-1)).toMatchObject({ type: 'failed', jobId: a, error: { code: 'engine_crashed' } });
    expect(queue.active()).toEqual([
      { jobId: b, state: 'queued' },
      { jobId: c, state: 'queued' },
    ]);
    // The cancel asked of the dead worker is asked again of the new one.
    expect(second.sent).toEqual([
      expect.objectContaining({ type: 'generate', jobId: b }),
      expect.objectContaining({ type: 'generate', jobId: c }),
      { type: 'cancel', jobId: c },
    ]);
  });

  it('refuses a job beyond its bound with a typed busy error, and takes one again when there is room', () => {
    const fake = fakeWorker();
    const queue = createJobQueue({ spawn: () => fake.worker, onEvent: () => {}, maxJobs: 2 });
    const a = queue.submit('/m', params);
    queue.submit('/m', params);
    expect(() => queue.submit('/m', params)).toThrow(
      expect.objectContaining({ code: 'busy', message: expect.stringMatching(/^The queue holds 2 jobs/) }),
    );
    fake.reply({ type: 'cancelled', jobId: a, step: 0 });
    expect(() => queue.submit('/m', params)).not.toThrow();
  });

  it('ignores messages about jobs it does not know', () => {
    const fake = fakeWorker();
    const events: JobEvent[] = [];
    createJobQueue({ spawn: () => fake.worker, onEvent: (e) => events.push(e) }).submit('/m', params);
    fake.reply({ type: 'started', jobId: 'someone-else' });
    expect(events).toHaveLength(1);
  });
});
