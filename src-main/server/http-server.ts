// The headless transport: the contract over HTTP (POST /api/<method>) and WebSocket (/api/events), plus the built UI
// and gallery media. Every API request needs the per-launch token and must come from no foreign page.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../api/dispatch';
import { limits } from '../shared/contract';
import { StudioError, type ErrorCode, type StudioErrorValue } from '../shared/errors';
import type { Studio } from '../studio';
import { hostAllowed, newToken, originAllowed, ownNames, tokenFrom, tokenMatches } from './auth';
import { contentSecurityPolicy, contentTypeFor } from './content-types';
import { resolveMediaPath } from './media-path';
import { readJsonBody } from './read-body';

export interface ServerOptions {
  studio: Studio;
  host?: string;
  port?: number;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  token?: string;
  log?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const statusFor: Record<ErrorCode, number> = {
  invalid_input: 400,
  malformed_json: 400,
  unknown_method: 404,
  not_found: 404,
  conflict: 409,
  model_invalid: 422,
  generation_failed: 500,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden_origin: 403,
  internal: 500,
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const log = options.log ?? (() => {});
  let names = ownNames(host, 0);
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) sendError(res, new StudioError('internal', 'Request failed').toValue());
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req, names.hosts)) return sendError(res, err('forbidden_origin', 'Unknown Host header'));
    if (!originAllowed(req, names.origins)) return sendError(res, err('forbidden_origin', 'Foreign Origin refused'));
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (url.pathname.startsWith('/media/')) return handleMedia(req, res, url);
    return serveStatic(req, res, url);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!tokenMatches(tokenFrom(req, url), token)) {
      return sendError(res, err('unauthorized', 'Missing or wrong access token'));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, err('invalid_input', 'API methods are called with POST'));
    }
    let input: unknown;
    try {
      input = await readJsonBody(req, limits.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      res.setHeader('Connection', 'close');
      req.resume();
      return sendError(res, error.toValue());
    }
    const method = url.pathname.slice('/api/'.length);
    const outcome = await dispatch(options.studio.handlers, method, input, {
      logError: (m, e) => log(`${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    });
    if (outcome.ok) return sendJson(res, 200, outcome.result);
    return sendError(res, outcome.error);
  }

  function handleMedia(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (!tokenMatches(tokenFrom(req, url), token)) {
      return sendError(res, err('unauthorized', 'Missing or wrong access token'));
    }
    const file = resolveMediaPath(options.studio.dataDir, url.pathname.slice('/media/'.length));
    if (!file || !statSync(file).isFile()) return sendError(res, err('not_found', 'No such media'));
    sendFile(res, file, 'private, max-age=3600');
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, err('not_found', 'Not found'));
    const root = options.rendererDir;
    const relative = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = resolveMediaPath(root, relative) ?? path.join(root, 'index.html');
    if (!existsSync(file)) {
      return sendJson(res, 503, err('not_found', 'The UI is not built: run `npm run build`'));
    }
    sendFile(res, file, file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable');
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (!hostAllowed(req, names.hosts) || !originAllowed(req, names.origins)) return refuse(403, 'Forbidden');
    if (!tokenMatches(tokenFrom(req, url), token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
      // Clients only listen; anything they send is ignored rather than trusted.
      ws.on('message', () => {});
    });
  });

  const unsubscribe = options.studio.events.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  names = ownNames(host, port);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function err(code: ErrorCode, message: string): StudioErrorValue {
  return { code, message };
}

function sendError(res: ServerResponse, error: StudioErrorValue): void {
  sendJson(res, statusFor[error.code] ?? 400, error);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...securityHeaders,
  });
  res.end(text);
}

function sendFile(res: ServerResponse, file: string, cacheControl: string): void {
  res.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': statSync(file).size,
    'Cache-Control': cacheControl,
    ...securityHeaders,
  });
  createReadStream(file).pipe(res);
}

const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  // The token travels in the page URL: never leak it through Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
