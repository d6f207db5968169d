// `studio serve` runs jobs for a window that lives in another process (a browser). On a machine with few cores a job
// — and the model load, measurement and preview fitting before its first step — would take the cores that window needs
// to draw, so the server yields them: lowered before it starts any thread, every thread it starts later (the engine's
// worker, ONNX Runtime's, libuv's pool) inherits the lower priority. Not used in the desktop app, whose main process
// also routes the window's input.
import os from 'node:os';

/** Low enough that a window wins any contest for a core; not idle-only, so jobs still run at full speed otherwise. */
export const SERVER_NICENESS = 10;

/** Lowers this process's priority (on Linux, the calling thread's and that of threads it starts later). */
export function lowerServerPriority(): string {
  try {
    os.setPriority(0, SERVER_NICENESS);
    return `running at nice ${os.getPriority(0)}, below the window it serves`;
  } catch (error) {
    return `priority unchanged: ${(error as Error).message}`;
  }
}
