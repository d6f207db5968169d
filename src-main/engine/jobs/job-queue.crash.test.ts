// The queue against real worker threads that really die: by process.exit, and by an uncaught exception. The script
// stands in for the engine (loading ONNX Runtime would prove nothing more about the queue, and cost seconds).
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { createJobQueue, type JobEvent, type JobQueue, type WorkerLike } from './job-queue';

const engineStandIn = `
  const { parentPort } = require('node:worker_threads');
  parentPort.on('message', (m) => {
    if (m.type !== 'generate') return;
    parentPort.postMessage({ type: 'started', jobId: m.jobId });
    if (m.params.prompt === 'exit') process.exit(7);
    if (m.params.prompt === 'throw') throw new Error('the engine blew up');
    else parentPort.postMessage({ type: 'done', jobId: m.jobId, result: { images: [] } });
  });
`;

let queue: JobQueue | undefined;
afterEach(() => queue?.close());

function startQueue() {
  let spawned = 0;
  const events: JobEvent[] = [];
  const logs: string[] = [];
  const ended = new Map<string, (event: JobEvent) => void>();
  queue = createJobQueue({
    spawn: () => (spawned++, new Worker(engineStandIn, { eval: true }) as WorkerLike),
    onEvent: (event) => {
      events.push(event);
      if (event.type === 'done' || event.type === 'failed') ended.get(event.jobId)?.(event);
    },
    log: (message) => logs.push(message),
  });
  const run = (prompt: string) => {
    const jobId = queue!.submit('/model', { prompt, seed: 1n });
    return new Promise<JobEvent>((resolve) => ended.set(jobId, resolve));
  };
  return { run, events, logs, spawned: () => spawned };
}

it.each([
  ['exits', 'exit', /exit code 7/],
  ['throws', 'throw', /exit code 1/],
])(
  'a worker that %s fails its job with engine_crashed; the jobs behind it run on a new worker',
  async (_how, prompt, exit) => {
    const q = startQueue();
    const [crashed, next, after] = await Promise.all([q.run(prompt), q.run('a red circle'), q.run('a blue square')]);
    expect(crashed).toMatchObject({
      type: 'failed',
      error: { code: 'engine_crashed', message: expect.stringMatching(exit) },
    });
    expect(next).toMatchObject({ type: 'done' });
    expect(after).toMatchObject({ type: 'done' });
    expect(q.spawned()).toBe(2);
    expect(q.logs.join('\n')).toMatch(/restarting it/);
    if (prompt === 'throw') expect(q.logs.join('\n')).toMatch(/engine worker crashed: Error: the engine blew up/);
    // And the queue goes on taking work after the crash.
    expect(await q.run('a green star')).toMatchObject({ type: 'done' });
    expect(queue!.active()).toEqual([]);
  },
);
