// Seeded fuzzing of the WebSocket transport: 1,200 bad inputs — junk messages through a real client (text, binary,
// oversize), junk frames written on the raw socket after a valid handshake, and malformed upgrade requests. Each
// ends in a refusal or a closed socket; afterwards a fresh socket still receives events and the server still answers.
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  rawExchange,
  seededRandom,
  startProbeTarget,
  stillServing,
  type ProbeTarget,
} from './test-support/probe-target';

let target: ProbeTarget;
beforeAll(async () => {
  target = await startProbeTarget();
});
afterAll(() => target.close());

const eventsUrl = () => `ws://127.0.0.1:${target.server.port}/api/events?token=${target.server.token}`;

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(eventsUrl());
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    // After the open, errors are the server closing on junk: expected here, asserted through the close.
    ws.on('error', () => {});
  });
}

function handshake(key = 'dGhlIHNhbXBsZSBub25jZQ==', extra = ''): string {
  return (
    `GET /api/events?token=${target.server.token} HTTP/1.1\r\nHost: 127.0.0.1:${target.server.port}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

it('ignores or closes on 600 junk messages from a client', async () => {
  const random = seededRandom(3);
  let ws = await open();
  let closes = 0;
  for (let i = 0; i < 600; i++) {
    if (ws.readyState !== WebSocket.OPEN) {
      closes++;
      ws = await open();
    }
    const size = random.pick([0, 1, 100, 5000, 70_000]);
    const closed = size > 64 * 1024 ? new Promise((r) => ws.once('close', r)) : null;
    if (random.next() < 0.5) ws.send(random.bytes(size));
    else ws.send(random.bytes(size).toString('latin1'));
    if (closed) await closed;
  }
  expect(closes).toBeGreaterThan(0);
  ws.close();
}, 30_000);

it('closes the socket on 300 junk frames written after a valid handshake', async () => {
  const random = seededRandom(5);
  for (let i = 0; i < 300; i++) {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(target.server.port, '127.0.0.1', () => socket.write(handshake()));
      let upgraded = false;
      socket.on('data', (chunk: Buffer) => {
        if (!upgraded && chunk.toString('latin1').startsWith('HTTP/1.1 101')) {
          upgraded = true;
          // Unmasked, reserved opcodes, bogus lengths: whatever the seed makes of it.
          socket.write(random.bytes(2 + random.int(64)));
          if (random.next() < 0.3) socket.end();
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve(upgraded ? 'closed after upgrade' : 'refused'));
      // A junk frame the parser is still waiting on (a long declared length) is ended by us, not left open.
      setTimeout(() => socket.destroy(), 300);
    });
    expect(outcome, `frame ${i}`).toBe('closed after upgrade');
  }
}, 30_000);

it('refuses 300 malformed upgrade requests with a 4xx or a closed connection', async () => {
  const random = seededRandom(9);
  const shapes = [
    () => handshake('not base64'),
    () => handshake('dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 99\r\n'),
    () => handshake('').replace(/Sec-WebSocket-Version: 13\r\n/, ''),
    () => handshake().replace(`token=${target.server.token}`, 'token=wrong'),
    () => handshake().replace('/api/events', '/api/other'),
    () => handshake().replace('/api/events', '/api/events/../../etc'),
    () => handshake().replace('GET', 'POST'),
    () => handshake('dGhlIHNhbXBsZSBub25jZQ==', 'Origin: http://evil.example\r\n'),
    () => handshake().replace(/Host: [^\r]+/, 'Host: evil.example'),
    () => handshake().slice(0, random.int(120)),
  ];
  for (let i = 0; i < 300; i++) {
    const reply = await rawExchange(target.server.port, shapes[i % shapes.length](), { endAfterWrite: true });
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
    if (reply !== '') {
      expect(status, `upgrade ${i}: ${reply.slice(0, 100)}`).toBeGreaterThanOrEqual(400);
      expect(status, `upgrade ${i}`).toBeLessThan(500);
    }
  }
}, 30_000);

it('still pushes events to a fresh socket and answers the API after the fuzzing', async () => {
  const ws = await open();
  const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
  target.studio.events.emit('system.notice', { level: 'info', message: 'still here' });
  expect(await received).toEqual({ event: 'system.notice', payload: { level: 'info', message: 'still here' } });
  ws.close();
  expect(await stillServing(target)).toBe(true);
});
