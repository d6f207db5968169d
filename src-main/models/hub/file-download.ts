// One file from the Hub into a folder: bytes go to `<file>.part`, a cut connection is resumed with a Range request
// (bounded retries), and the whole file is checked against the Hub's hash before it takes its name. A file with the
// wrong hash is deleted and refused, never retried into place.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { HubClient, HubFile } from './hub-client';
import { cancelled, isTransient } from './hub-errors';

export interface RetryPolicy {
  /** Tries per file, the first included. */
  attempts: number;
  /** Wait before the n-th retry: delayMs · 2^(n−1). */
  delayMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 5, delayMs: 1000 };

export interface FileDownload {
  client: HubClient;
  repo: string;
  commit: string;
  file: HubFile;
  /** Where the finished file goes; its `.part` sits beside it meanwhile. */
  dest: string;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** Bytes of this file on disk so far (resumed bytes included). */
  onBytes?: (bytes: number) => void;
}

export async function downloadFile(job: FileDownload): Promise<void> {
  const { file, dest, signal } = job;
  const retry = job.retry ?? defaultRetry;
  const part = `${dest}.part`;
  await mkdir(path.dirname(dest), { recursive: true });

  // A file finished by an earlier run is kept when it still checks out.
  if ((await sizeOf(dest)) === file.size && (await hashProblem(dest, file)) === null) {
    job.onBytes?.(file.size);
    return;
  }
  await rm(dest, { force: true });

  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelled();
    try {
      await fetchInto(job, part);
      break;
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      if (!isTransient(error) || attempt >= retry.attempts) throw finalError(error, job, attempt);
      await delay(retry.delayMs * 2 ** (attempt - 1), signal);
    }
  }

  const problem = await hashProblem(part, file);
  if (problem !== null) {
    await rm(part, { force: true });
    throw new StudioError('download_failed', `${file.path}: ${problem}; the file was refused and deleted`, {
      reason: 'hash_mismatch',
      file: file.path,
    });
  }
  await rename(part, dest);
}

/** One request: resumes from the part's size, appends what arrives, and fails (transiently) if it ends short. */
async function fetchInto(job: FileDownload, part: string): Promise<void> {
  const { file } = job;
  let start = (await sizeOf(part)) ?? 0;
  if (start > file.size) {
    await rm(part, { force: true });
    start = 0;
  }
  job.onBytes?.(start);
  if (start === file.size && file.size > 0) return;

  const response = await job.client.openFile(job.repo, job.commit, file.path, start, job.signal);
  if (response.status === 416) {
    // The part does not fit the file as the server has it: start over.
    await response.body?.cancel();
    await rm(part, { force: true });
    throw transient(`${file.path}: the server refused to resume; starting over`);
  }
  if (start > 0 && response.status !== 206) start = 0; // The server ignored the Range: it sends the whole file.
  if (start > 0 && !contentRangeStartsAt(response.headers.get('content-range'), start)) {
    await response.body?.cancel();
    throw new StudioError('download_failed', `${file.path}: the server resumed at the wrong offset`, { reason: 'http' });
  }

  // Chunk by chunk, each written before the next is read: whatever arrived before a cut is on disk to resume from.
  let received = start;
  const out = await open(part, start > 0 ? 'a' : 'w');
  try {
    for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (received > file.size) throw new StudioError('download_failed', `${file.path}: larger than the Hub lists`);
      await out.write(chunk);
      job.onBytes?.(received);
    }
  } finally {
    await out.close();
  }
  if (received < file.size) throw transient(`${file.path}: the connection ended at ${received} of ${file.size} bytes`);
}

/** Null when the file matches what the Hub lists; otherwise what is wrong. */
async function hashProblem(file: string, expected: HubFile): Promise<string | null> {
  const size = await sizeOf(file);
  if (size !== expected.size) return `${size ?? 0} bytes where the Hub lists ${expected.size}`;
  if (expected.sha256) {
    const got = await digest(file, 'sha256');
    return got === expected.sha256 ? null : `SHA-256 ${got} does not match the Hub's ${expected.sha256}`;
  }
  if (expected.gitSha1) {
    const got = await digest(file, 'sha1', `blob ${size}\0`);
    return got === expected.gitSha1 ? null : `git blob id ${got} does not match the Hub's ${expected.gitSha1}`;
  }
  return null;
}

async function digest(file: string, algorithm: 'sha256' | 'sha1', prefix = ''): Promise<string> {
  const hash = createHash(algorithm).update(prefix);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function contentRangeStartsAt(header: string | null, start: number): boolean {
  const match = /^bytes (\d+)-/.exec(header ?? '');
  return match !== null && Number(match[1]) === start;
}

function transient(message: string): StudioError {
  return new StudioError('download_failed', message, { reason: 'http', transient: true });
}

/** What the caller sees once retries are spent: never a bare "terminated". */
function finalError(error: unknown, job: FileDownload, attempts: number): unknown {
  if (!isTransient(error)) return error;
  const why = error instanceof Error ? error.message : String(error);
  return new StudioError(
    'download_failed',
    `${job.file.path}: gave up after ${attempts} attempt${attempts > 1 ? 's' : ''} (${why}); run the download again to resume`,
    { reason: 'http', file: job.file.path },
  );
}

async function sizeOf(file: string): Promise<number | null> {
  const info = await stat(file).catch(() => null);
  return info?.isFile() ? info.size : null;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', stop);
      resolve();
    }
    function stop() {
      clearTimeout(timer);
      reject(cancelled());
    }
    signal?.addEventListener('abort', stop, { once: true });
  });
}
