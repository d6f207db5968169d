// The engine's worker yields the cores to the window it serves. On Linux a priority belongs to a thread: lowering the
// worker's own, before ONNX Runtime starts its threads (which inherit it), leaves the rest of the process as it was —
// in the desktop app that is the main process, which routes the window's input. On other systems a priority is the
// whole process's, so there it is left alone.
import os from 'node:os';

/** Low enough that a window wins any contest for a core; not idle-only, so a job runs at full speed otherwise. */
export const ENGINE_NICENESS = 10;

/** Lowers the calling thread (never raises it); says why not when it cannot. */
export function lowerThisThread(platform: string = process.platform): string | null {
  if (platform !== 'linux') return null;
  try {
    // os.setPriority(0, …) is setpriority(PRIO_PROCESS, 0, …): on Linux, the calling thread only.
    if (os.getPriority(0) < ENGINE_NICENESS) os.setPriority(0, ENGINE_NICENESS);
    return null;
  } catch (error) {
    return `engine priority unchanged: ${(error as Error).message}`;
  }
}
