// A WorkerLike that runs the engine on the calling thread: for the CLI's single jobs and for tests. The app uses the
// real worker thread so that the UI never waits on ONNX Runtime.
import { EventEmitter } from 'node:events';
import { createEngine, type EngineOptions } from '../engine';
import type { WorkerLike } from './job-queue';
import { createJobRunner } from './run-job';
import type { FromWorker, ToWorker } from './worker-protocol';

export function createInlineWorker(options: EngineOptions = {}): WorkerLike {
  const emitter = new EventEmitter();
  const post = (message: FromWorker) => queueMicrotask(() => emitter.emit('message', message));
  const runner = createJobRunner(createEngine({ ...options, log: (message) => post({ type: 'log', message }) }), post);
  return {
    postMessage: (message: ToWorker) => runner.handle(message),
    on(event: string, listener: Parameters<EventEmitter['on']>[1]) {
      emitter.on(event, listener);
      return this;
    },
    async terminate() {
      await runner.dispose();
      emitter.emit('exit', 0);
      return 0;
    },
  } as WorkerLike;
}
