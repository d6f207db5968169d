// Test support: the CLI run in-process as a shell would run it — the lines it prints on stdout and stderr, and its
// exit status.
import type { CliIo } from '../io';
import { main } from '../main';

export interface CapturedIo {
  io: CliIo;
  out: string[];
  error: string[];
}

/** An io that keeps every line, for calls that take one. */
export function captureIo(): CapturedIo {
  const out: string[] = [];
  const error: string[] = [];
  return { io: { out: (l) => out.push(l), error: (l) => error.push(l) }, out, error };
}

export async function runCli(argv: string[]) {
  const { io, out, error } = captureIo();
  const code = await main(argv, io);
  return { code, out, error };
}
