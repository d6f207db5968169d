// How the server answers: typed JSON errors with the status the wire contract names, and files streamed so that a
// failing read ends that one response, never the process.
import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { ErrorCode, StudioErrorValue } from '../shared/errors';
import { contentSecurityPolicy, contentTypeFor } from './content-types';

const statusFor: Record<ErrorCode, number> = {
  invalid_input: 400,
  malformed_json: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  model_invalid: 422,
  generation_failed: 500,
  engine_crashed: 500,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden_origin: 403,
  // The client did nothing wrong and may retry later: Too Many Requests says exactly that.
  busy: 429,
  // The method exists but this studio runs without a desktop: the same request will not work here later either.
  unsupported: 400,
  // The studio could not get a file from another server (the Hub): a bad gateway, in HTTP's words.
  download_failed: 502,
  internal: 500,
};

export const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  // The token travels in the page URL: never leak it through Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function err(code: ErrorCode, message: string): StudioErrorValue {
  return { code, message };
}

export function statusOf(code: ErrorCode): number {
  return statusFor[code] ?? 400;
}

export function sendError(res: ServerResponse, error: StudioErrorValue): void {
  sendJson(res, statusOf(error.code), error);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...securityHeaders,
  });
  res.end(text);
}

/** The size of `file` when it is a regular file (not a directory, socket or device), else undefined. */
export function regularFileSize(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

/** Streams a regular file; `size` comes from `regularFileSize`, checked by the caller just before. */
export function sendFile(
  res: ServerResponse,
  file: string,
  size: number,
  cacheControl: string,
  log: (message: string) => void,
): void {
  res.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': size,
    'Cache-Control': cacheControl,
    ...securityHeaders,
  });
  if (res.req.method === 'HEAD') return void res.end();
  // pipeline owns both streams' errors: a file that vanishes or turns into a directory between the check and the
  // read, or a client that hangs up, ends this response only.
  pipeline(createReadStream(file), res, (error) => {
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') log(`sending ${path(file)} failed: ${error.message}`);
  });
}

function path(file: string): string {
  return file.length > 200 ? `…${file.slice(-200)}` : file;
}
