import path from 'node:path';
import { defaultDataDir } from '../app-paths';

/** Where a command writes: stdout carries only results, stderr progress and errors. */
export interface CliIo {
  out(line: string): void;
  error(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  error: (line) => process.stderr.write(line + '\n'),
};

export const dataDirOption = { data: { type: 'string' } } as const;
export const dataDirHelp = ['--data DIR', "the studio's data directory (default: the app's own)"] as const;

export function resolveDataDir(value: string | undefined): string {
  return value ? path.resolve(value) : defaultDataDir();
}
