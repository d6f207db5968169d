// `studio serve` runs jobs for a window that lives in another process (a browser). On a machine with few cores a job
// — and the model load, measurement and preview fitting before its first step — would take the cores that window needs
// to draw, so the server yields them. The engine's worker lowers its own thread wherever it runs (the desktop app
// included: engine/jobs/worker-priority.ts); the server lowers everything else as well (encoding, saving, serving). On
// Linux a priority belongs to a thread: every thread the process already has (V8's and libuv's pools start before any
// of our code) is lowered, and threads started later inherit it.
import { readdirSync } from 'node:fs';
import os from 'node:os';

/** Low enough that a window wins any contest for a core; not idle-only, so jobs still run at full speed otherwise. */
export const SERVER_NICENESS = 10;

/** Lowers this process's priority, all its threads included; says what it did. */
export function lowerServerPriority(): string {
  try {
    const threads = process.platform === 'linux' ? readdirSync('/proc/self/task').map(Number) : [0];
    for (const tid of threads) os.setPriority(tid, SERVER_NICENESS);
    return `running at nice ${os.getPriority(0)}, below the window it serves`;
  } catch (error) {
    return `priority unchanged: ${(error as Error).message}`;
  }
}
