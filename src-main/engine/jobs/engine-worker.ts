// Worker-thread entry: owns the engine (and so every ONNX Runtime session), off the main thread. It has no process
// guard on purpose: an error nothing caught leaves the engine in an unknown state, so the thread dies, the queue logs
// it with its stack, fails the job it was running (`engine_crashed`) and starts a fresh worker for the next.
import { parentPort, workerData } from 'node:worker_threads';
import { createEngine } from '../engine';
import { createJobRunner } from './run-job';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol';
import { lowerThisThread } from './worker-priority';

const port = parentPort;
if (!port) throw new Error('engine-worker must run in a worker thread');
const init = workerData as WorkerInit;
const priorityProblem = lowerThisThread();
const post = (message: FromWorker) => {
  const transfer = message.type === 'done' ? message.result.images.map((i) => i.rgb.buffer as ArrayBuffer) : [];
  port.postMessage(message, transfer);
};
const engine = createEngine({
  providers: init.providers,
  threads: init.threads,
  cacheDir: init.cacheDir,
  log: (message) => post({ type: 'log', message }),
});
if (priorityProblem) post({ type: 'log', message: priorityProblem });
const runner = createJobRunner(engine, post);
port.on('message', (message: ToWorker) => runner.handle(message));
