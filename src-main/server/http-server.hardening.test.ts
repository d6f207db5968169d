// Regression tests for the ways a client could stop or tie up the server: a directory streamed as a file, sockets
// reset mid-upgrade, bodies past the limit, bad UTF-8, deep JSON, slow and half-open connections, too many sockets.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawExchange, startProbeTarget, stillServing, type ProbeTarget } from './test-support/probe-target';

let target: ProbeTarget;
let auth: Record<string, string>;

beforeAll(async () => {
  target = await startProbeTarget({
    timeouts: { headersMs: 600, requestMs: 1500, keepAliveMs: 500, checkEveryMs: 100 },
    limits: { maxBodyBytes: 300_000, maxEventSockets: 3, maxSocketMessageBytes: 1024 },
  });
  auth = { Authorization: `Bearer ${target.server.token}` };
});
afterAll(() => target.close());

const post = (method: string, body: string | Buffer) =>
  fetch(`${target.base}/api/${method}`, { method: 'POST', headers: auth, body });

describe('directories', () => {
  it.each(['/assets', '/assets/', `/media/gallery?token=`, `/media/gallery/2025-01/?token=`])(
    'GET %s is a typed 404, and the server keeps serving',
    async (url) => {
      const response = await fetch(`${target.base}${url.endsWith('=') ? url + target.server.token : url}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'not_found' });
      expect(await stillServing(target)).toBe(true);
    },
  );

  it('serves the built files themselves, and HEAD without a body', async () => {
    expect(await (await fetch(`${target.base}/assets/app.js`)).text()).toBe('console.log(1)');
    const head = await fetch(`${target.base}/assets/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
  });

  it('follows no symlink out of the data directory, nor into a folder through one', async () => {
    for (const probe of ['gallery/link.txt', 'gallery/outside/secret.txt', 'gallery/outside']) {
      const response = await fetch(`${target.base}/media/${probe}?token=${target.server.token}`);
      expect(response.status, probe).toBe(404);
    }
  });
});

describe('request bodies', () => {
  it('refuses bytes that are not UTF-8 instead of replacing them', async () => {
    const body = Buffer.concat([Buffer.from('{"prompt":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await post('generate.submit', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'malformed_json', message: expect.stringMatching(/UTF-8/) });
  });

  it('refuses JSON nested 100,000 deep as invalid input, without blowing the stack', async () => {
    const response = await post('system.info', '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/deeper/) });
  });

  it('answers 413 while a body without Content-Length is still streaming past the limit', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(target.server.port, '127.0.0.1', () => {
        socket.write(
          `POST /api/system.info HTTP/1.1\r\nHost: 127.0.0.1:${target.server.port}\r\n` +
            `Authorization: Bearer ${target.server.token}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        );
        // 320 KiB sent, the request left open: the answer must not wait for the end of the body.
        socket.write(`50000\r\n${'x'.repeat(0x50000)}\r\n`);
      });
      socket.once('data', (chunk: Buffer) => {
        resolve(chunk.toString());
        socket.destroy();
      });
      socket.on('error', () => {});
    });
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    expect(reply).toContain('"code":"payload_too_large"');
  });
});

describe('slow and broken connections', () => {
  it('drops a client that trickles its headers (slowloris) with a typed 408', async () => {
    const started = Date.now();
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(target.server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\n'));
      const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(trickle);
        resolve(text);
      });
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(reply).toContain('"code":"invalid_input"');
  });

  it('closes a connection that never sends a request, and one half-closed mid-headers', async () => {
    const silent = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = connect(target.server.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => resolve(Date.now() - started));
    });
    expect(silent).toBeLessThan(10_000);
    expect(await rawExchange(target.server.port, 'GET / HTTP/1.1\r\nHost: x')).toMatch(/^(HTTP\/1\.1 4\d\d |$)/);
    expect(await stillServing(target)).toBe(true);
  });

  it('answers junk bytes with a typed 400', async () => {
    const reply = await rawExchange(target.server.port, '\x16\x03\x01\x00junk\r\n\r\n', { endAfterWrite: false });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toContain('"code":"invalid_input"');
  });

  it('survives upgrade requests reset by the client, refused or not', async () => {
    const requests = [
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${target.server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
      `GET /nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
    ];
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(target.server.port, '127.0.0.1', () => {
          socket.write(requests[i % 2]);
          socket.resetAndDestroy();
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve());
      });
    }
    expect(await stillServing(target)).toBe(true);
  });
});

describe('event sockets', () => {
  const url = () => `ws://127.0.0.1:${target.server.port}/api/events?token=${target.server.token}`;
  const open = (address: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(address);
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });

  it('takes a bounded number of sockets, and one more when one closes', async () => {
    const held = [await open(url()), await open(url()), await open(url())];
    await expect(open(url())).rejects.toThrow(/429/);
    held[0].close();
    await new Promise((r) => held[0].once('close', r));
    await new Promise((r) => setTimeout(r, 50));
    held[0] = await open(url());
    await Promise.all(held.map((ws) => new Promise((r) => (ws.once('close', r), ws.close()))));
    await new Promise((r) => setTimeout(r, 50));
  });

  it('closes a socket that sends more than the message limit (1009)', async () => {
    const ws = await open(url());
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send('x'.repeat(2048));
    expect(await closed).toBe(1009);
    expect(await stillServing(target)).toBe(true);
  });
});
