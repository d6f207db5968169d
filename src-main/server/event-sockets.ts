// The /api/events WebSocket: pushes the contract's events to token holders. Clients only listen, so the socket is
// hardened as a one-way pipe: bounded in number and message size, junk frames close it, slow readers are dropped.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventHub } from '../event-hub';

export interface EventSocketOptions {
  events: EventHub;
  maxSockets: number;
  maxMessageBytes: number;
  /** Checks the upgrade request (path, Host, Origin, token): a status and reason to refuse it, or null to accept. */
  refusal: (req: IncomingMessage) => { status: number; reason: string } | null;
  log: (message: string) => void;
}

/** A client that stops reading must not make the server buffer events for it without bound. */
const maxBufferedBytes = 8 * 1024 * 1024;

export function createEventSockets(options: EventSocketOptions) {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });

  const unsubscribe = options.events.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > maxBufferedBytes) ws.terminate();
      else ws.send(message);
    }
  });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node hands the raw socket over without its own error listener: a client resetting the connection now would
    // otherwise be an uncaught 'error' event, and that ends the process.
    socket.on('error', () => socket.destroy());
    const refused = options.refusal(req) ?? (sockets.size >= options.maxSockets ? tooMany : null);
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${refused.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // Junk frames, oversize messages and resets arrive here; ws closes the socket itself.
      ws.on('error', () => sockets.delete(ws));
      ws.on('message', () => {});
    });
  }

  return {
    handleUpgrade,
    count: () => sockets.size,
    close(): void {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}

const tooMany = { status: 429, reason: 'Too Many Requests' };
