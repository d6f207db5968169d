import type { IncomingMessage } from 'node:http';
import { StudioError } from '../shared/errors';

/** Reads a JSON body up to `maxBytes`; an empty body is `{}`. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StudioError('malformed_json', 'The request body is not valid JSON');
  }
}

function tooLarge(maxBytes: number): StudioError {
  return new StudioError('payload_too_large', `The request body exceeds ${maxBytes} bytes`);
}
