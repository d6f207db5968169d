// What lowerServerPriority relies on, in a real child process: a priority lowered before threads start is inherited
// by the threads started afterwards (worker threads here; ONNX Runtime's and libuv's pool threads alike).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { appRoot } from './app-paths';
import { SERVER_NICENESS } from './background-priority';

it('lowers the process, and threads started afterwards inherit the lower priority', () => {
  const script = `
    const os = require('node:os');
    const { Worker } = require('node:worker_threads');
    const before = os.getPriority(0);
    os.setPriority(0, ${SERVER_NICENESS});
    const worker = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:os').getPriority(0))", { eval: true });
    worker.on('message', (inWorker) => { console.log(JSON.stringify({ before, after: os.getPriority(0), inWorker })); worker.terminate(); });
  `;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: path.join(appRoot()) }).toString());
  expect(out).toEqual({
    before: out.before,
    after: Math.max(out.before, SERVER_NICENESS),
    inWorker: Math.max(out.before, SERVER_NICENESS),
  });
});
