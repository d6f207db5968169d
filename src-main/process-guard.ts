// The last line of defence for long-running processes (the headless server, the Electron main process, the engine
// worker): an error nothing caught is logged with where it came from, and the process keeps serving. Every request
// and job already has its own error path; reaching here is a bug to find in the log, not a reason to drop every
// other user's work.

export interface ProcessGuardOptions {
  /** Names the process in each line, e.g. `studio serve`. */
  name: string;
  log: (message: string) => void;
}

/** Installs the handlers; the returned function removes them. */
export function installProcessGuard(options: ProcessGuardOptions, target: NodeJS.Process = process): () => void {
  const onException = (error: unknown, origin: string) =>
    options.log(`${options.name}: unexpected error (${origin}), still serving: ${describe(error)}`);
  const onRejection = (reason: unknown) =>
    options.log(`${options.name}: unhandled promise rejection, still serving: ${describe(reason)}`);
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
