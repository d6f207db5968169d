import type { IncomingMessage } from 'node:http';
import { StudioError } from '../shared/errors';

/**
 * Reads a JSON body up to `maxBytes`, refusing as soon as the stream passes the limit (a client cannot make the
 * server buffer more than that); an empty body is `{}`. Bytes that are not UTF-8 are refused rather than silently
 * replaced, so a prompt never reaches the engine with characters the client did not send.
 */
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
  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks)).trim();
  } catch {
    throw new StudioError('malformed_json', 'The request body is not valid UTF-8');
  }
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StudioError('malformed_json', 'The request body is not valid JSON');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function tooLarge(maxBytes: number): StudioError {
  return new StudioError('payload_too_large', `The request body exceeds ${maxBytes} bytes`);
}
