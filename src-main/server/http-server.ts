// The headless transport: the contract over HTTP (POST /api/<method>) and WebSocket (/api/events), plus the built UI
// and gallery media. Every API request needs the per-launch token and must come from no foreign page. No request,
// however malformed or slow, may stop the server: each one ends in a typed answer or a closed connection.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { dispatch } from '../api/dispatch';
import { limits } from '../shared/contract';
import { StudioError } from '../shared/errors';
import type { Studio } from '../studio';
import { hostAllowed, newToken, originAllowed, ownNames, tokenFrom, tokenMatches } from './auth';
import { createEventSockets } from './event-sockets';
import { resolveMediaPath } from './media-path';
import { readJsonBody } from './read-body';
import { err, regularFileSize, sendError, sendFile, sendJson } from './responses';

export interface ServerTimeouts {
  /** A client must have sent all request headers within this (slowloris). */
  headersMs: number;
  /** …and the whole request, body included (a 32 MiB init image takes well under a second on loopback). */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often Node checks the two limits above. */
  checkEveryMs: number;
}

export const defaultTimeouts: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 60_000,
  keepAliveMs: 5_000,
  checkEveryMs: 1_000,
};

export interface ServerOptions {
  studio: Studio;
  host?: string;
  port?: number;
  /** The built renderer (index.html and assets). */
  rendererDir: string;
  token?: string;
  log?: (message: string) => void;
  timeouts?: Partial<ServerTimeouts>;
  /** Overrides of the contract's limits (tests use small ones). */
  limits?: { [K in 'maxBodyBytes' | 'maxEventSockets' | 'maxSocketMessageBytes']?: number };
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const log = options.log ?? (() => {});
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  const limit: Record<'maxBodyBytes' | 'maxEventSockets' | 'maxSocketMessageBytes', number> = {
    ...limits,
    ...options.limits,
  };
  let names = ownNames(host, 0);

  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: timeouts.checkEveryMs,
    },
    (req, res) => {
      // The request arrived: from here requestTimeout and keep-alive govern the socket, not the idle limit below.
      req.socket.setTimeout(0);
      handle(req, res).catch((error: unknown) => {
        log(`request ${req.method} ${req.url?.slice(0, 200)} failed: ${describe(error)}`);
        if (!res.headersSent) sendError(res, err('internal', 'Request failed'));
        else res.destroy();
      });
    },
  );
  // headersTimeout only starts with a request's first byte: a connection that never sends one (half-open, or opened
  // and left) would hold its socket for ever. Node's own timeout handler destroys it.
  server.on('connection', (socket: Socket) => socket.setTimeout(timeouts.headersMs));
  // Unparseable requests (junk bytes, oversize headers, timeouts) get a typed answer where the socket still takes one.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const [status, reason] = clientErrorStatus[error.code ?? ''] ?? [400, 'Bad Request'];
    const body = JSON.stringify(err('invalid_input', `${reason} (${error.code ?? 'unparseable'})`));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  const eventSockets = createEventSockets({
    events: options.studio.events,
    maxSockets: limit.maxEventSockets,
    maxMessageBytes: limit.maxSocketMessageBytes,
    log,
    refusal: (req) => {
      const url = requestUrl(req);
      if (url?.pathname !== '/api/events') return { status: 404, reason: 'Not Found' };
      if (!hostAllowed(req, names.hosts) || !originAllowed(req, names.origins)) {
        return { status: 403, reason: 'Forbidden' };
      }
      if (!tokenMatches(tokenFrom(req, url), token)) return { status: 401, reason: 'Unauthorized' };
      return null;
    },
  });
  server.on('upgrade', eventSockets.handleUpgrade);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) return sendError(res, err('invalid_input', 'Unreadable request URL'));
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
      input = await readJsonBody(req, limit.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof StudioError)) throw error;
      // The rest of a refused body is drained, not read (requestTimeout bounds how long), then the connection closes.
      res.setHeader('Connection', 'close');
      req.resume();
      return sendError(res, error.toValue());
    }
    const method = url.pathname.slice('/api/'.length);
    const outcome = await dispatch(options.studio.handlers, method, input, {
      logError: (m, e) => log(`${m}: ${describe(e)}`),
    });
    if (outcome.ok) return sendJson(res, 200, outcome.result);
    return sendError(res, outcome.error);
  }

  function handleMedia(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (!tokenMatches(tokenFrom(req, url), token)) {
      return sendError(res, err('unauthorized', 'Missing or wrong access token'));
    }
    const file = resolveMediaPath(options.studio.dataDir, url.pathname.slice('/media/'.length));
    const size = file === undefined ? undefined : regularFileSize(file);
    if (file === undefined || size === undefined) return sendError(res, err('not_found', 'No such media'));
    sendFile(res, file, size, 'private, max-age=3600', log);
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, err('not_found', 'Not found'));
    const root = options.rendererDir;
    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    // The UI has no client-side routes: anything but the page is a built file, and a directory is not one.
    const file = isPage ? path.join(root, 'index.html') : resolveMediaPath(root, url.pathname.slice(1));
    const size = file === undefined ? undefined : regularFileSize(file);
    if (file === undefined || size === undefined) {
      if (isPage) return sendJson(res, 503, err('not_found', 'The UI is not built: run `npm run build`'));
      return sendError(res, err('not_found', 'Not found'));
    }
    sendFile(res, file, size, isPage ? 'no-store' : 'public, max-age=31536000, immutable', log);
  }

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
      eventSockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const clientErrorStatus: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** The request's URL, or undefined when the target cannot be parsed (e.g. an absolute-form `http://[`). */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
