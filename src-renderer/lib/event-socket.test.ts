// Against a real WebSocket server: the client reconnects after the server drops it, with backoff, and stops for good.
import { afterEach, expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { keepEventSocket, type SocketLike } from './event-socket';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(port = 0): Promise<WebSocketServer> {
  const server = new WebSocketServer({ port, host: '127.0.0.1' });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

const portOf = (server: WebSocketServer) => (server.address() as { port: number }).port;
// Node's ws emits 'error' as an event (a browser's socket just closes): listen, as a browser would not need to.
const open = (url: string): SocketLike => {
  const socket = new WebSocket(url);
  socket.on('error', () => {});
  return socket as unknown as SocketLike;
};
const nextConnection = (server: WebSocketServer) => new Promise<WebSocket>((r) => server.once('connection', r));

test('events arrive, malformed messages are dropped, and a dropped socket reconnects', async () => {
  const server = await listen();
  const received: unknown[] = [];
  const connected = nextConnection(server);
  const stop = keepEventSocket(
    `ws://127.0.0.1:${portOf(server)}/`,
    (event, payload) => received.push([event, payload]),
    {
      open,
      firstDelayMs: 20,
    },
  );
  const first = await connected;
  first.send('not json');
  first.send(JSON.stringify({ event: 'job.queued', payload: { jobId: 'a' } }));
  await expect.poll(() => received).toEqual([['job.queued', { jobId: 'a' }]]);

  // The server drops the connection: the client comes back by itself and hears what follows.
  const reconnected = nextConnection(server);
  first.terminate();
  const second = await reconnected;
  second.send(JSON.stringify({ event: 'job.done', payload: { jobId: 'a' } }));
  await expect.poll(() => received.length).toBe(2);
  stop();
});

test('while the server is down the client retries with growing delays, then connects when it is back', async () => {
  const probe = await listen();
  const port = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  servers.splice(0);

  const attempts: number[] = [];
  const stop = keepEventSocket(`ws://127.0.0.1:${port}/`, () => {}, {
    open: (url) => {
      attempts.push(Date.now());
      return open(url);
    },
    firstDelayMs: 20,
    maxDelayMs: 80,
  });
  await expect.poll(() => attempts.length, { timeout: 5000 }).toBeGreaterThanOrEqual(4);
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
  expect(gaps[2]).toBeGreaterThanOrEqual(gaps[0]);

  const server = await listen(port);
  await nextConnection(server);
  stop();
});

test('a stopped socket does not reconnect', async () => {
  const server = await listen();
  let opened = 0;
  const connected = nextConnection(server);
  const stop = keepEventSocket(`ws://127.0.0.1:${portOf(server)}/`, () => {}, {
    open: (url) => {
      opened += 1;
      return open(url);
    },
    firstDelayMs: 10,
  });
  await connected;
  stop();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(opened).toBe(1);
});
