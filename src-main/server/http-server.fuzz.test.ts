// Seeded fuzzing of the HTTP transport: 1,200 malformed calls (bodies, methods, tokens, origins, paths) and 200 raw
// malformed requests. Each must end in a typed 4xx or a closed connection, never a 5xx or a stack trace, and the
// server must still answer the API and the page afterwards. A failure names its call number: replay with the seed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorCodes } from '../shared/errors';
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

const bodies = [
  '{',
  '[]',
  'null',
  '42',
  '"text"',
  '{"a":1}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{}}}',
  JSON.stringify({ x: 'y'.repeat(100_000) }),
  '\u0000\u0001',
  '{"nested":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
  '['.repeat(100_000) + ']'.repeat(100_000),
  '{"prompt":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) + '}',
  '\ud800',
  Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
  Buffer.from([0xef, 0xbb, 0xbf, 0xff]),
  '{"prompt": 5, "steps": "many", "width": -1}',
  '{"model": "' + '../'.repeat(50) + 'etc"}',
  '{"jobId":"not-a-uuid"}',
  '{"ids":[1,"2",null,{}]}',
  'true',
];
const methods = [
  'system.info',
  'system.info2',
  'SYSTEM.INFO',
  '',
  '..%2f..%2fetc',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
  'toString',
  'system.info/extra',
  'generate.submit',
  'generate.cancel',
  'gallery.get',
  'gallery.delete',
  'concepts.import',
  'models.describe',
  '%00',
  'gallery%2elist',
];
const paths = [
  '/assets',
  '/assets/',
  '/assets/../../secret.txt',
  '/assets/%2e%2e/%2e%2e/secret.txt',
  '/%2e%2e/secret.txt',
  '/..%2fsecret.txt',
  '/..%5csecret.txt',
  '/assets%5c..%5c..%5csecret.txt',
  '/index.html%00.png',
  '/%00',
  '/%zz',
  '/missing.js',
  '/media/',
  '/media/gallery',
  '/media/gallery/2025-01',
  '/media/gallery/link.txt',
  '/media/gallery/outside',
  '/media/gallery/outside/secret.txt',
  '/media/..%2fsecret.txt',
  '/media/%2e%2e/secret.txt',
  '/media/gallery%5c..%5c..%5csecret.txt',
  '/media/gallery/2025-01/image.png%00',
  '/media/%ff%fe',
  '/media/' + 'a/'.repeat(500),
  '//etc/passwd',
];

it('answers 1,200 malformed calls with typed 4xx errors and keeps serving', async () => {
  const random = seededRandom(7);
  let calls = 0;
  for (let i = 0; i < 1200; i++) {
    const kind = i % 5;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (kind !== 1) headers.Authorization = `Bearer ${target.server.token}`;
    if (kind === 2) headers.Origin = random.pick(['http://evil.example', 'null', 'file://', 'http://127.0.0.1:1']);
    if (kind === 3)
      headers.Authorization = `Bearer ${target.server.token.slice(0, 10)}${'A'.repeat(random.pick([0, 22, 300]))}`;
    let response: Response;
    let verb = 'POST';
    if (kind === 4) {
      const probe = random.pick(paths);
      const token = probe.startsWith('/media/') && random.next() < 0.8 ? `?token=${target.server.token}` : '';
      verb = random.pick(['GET', 'HEAD', 'POST', 'DELETE']);
      response = await fetch(`${target.base}${probe}${token}`, { method: verb });
    } else {
      const method = kind === 0 ? random.pick(methods) : 'system.info';
      let body = random.pick(bodies);
      // The one call that is valid as sent: system.info with an empty object.
      if (method === 'system.info' && kind === 0 && body === '{"a":1}') body = '[]';
      response = await fetch(`${target.base}/api/${method}`, { method: 'POST', headers, body });
    }
    calls++;
    const text = await response.text();
    const at = `call ${i}: ${response.status} ${text.slice(0, 200)}`;
    expect(response.status, at).toBeGreaterThanOrEqual(400);
    expect(response.status, at).toBeLessThan(500);
    expect(text, at).not.toContain('outside the data dir');
    expect(text, at).not.toMatch(/\n\s+at /);
    if (verb === 'HEAD') {
      expect(text, at).toBe('');
    } else if (response.headers.get('content-type')?.startsWith('application/json')) {
      const value = JSON.parse(text) as { code: string; message: string };
      expect(errorCodes, at).toContain(value.code);
      expect(typeof value.message, at).toBe('string');
    } else {
      expect(text, at).toBe('');
    }
  }
  expect(calls).toBe(1200);
  expect(await stillServing(target)).toBe(true);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}, 60_000);

it('answers 200 malformed raw requests with a typed 4xx or a closed connection, and keeps serving', async () => {
  const random = seededRandom(11);
  const host = `Host: 127.0.0.1:${target.server.port}`;
  const shapes = [
    () => random.bytes(1 + random.int(300)),
    () => `GET ${random.pick(paths)} HTTP/1.1\r\n${host}\r\n\r\n`,
    () => `GET /${'a'.repeat(20_000 + random.int(60_000))} HTTP/1.1\r\n${host}\r\n\r\n`,
    () => `GET / HTTP/1.1\r\n${host}\r\nX-Big: ${'b'.repeat(20_000 + random.int(60_000))}\r\n\r\n`,
    () => `POST /api/system.info HTTP/1.1\r\n${host}\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n{}`,
    () => `POST /api/system.info HTTP/1.1\r\n${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
    () => `GET http://[ HTTP/1.1\r\n${host}\r\n\r\n`,
    () => `GET / HTTP/9.9\r\n${host}\r\n\r\n`,
    () => `\r\n\r\n\r\n`,
    () => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${target.server.port}\r\nBad Header\r\n\r\n`,
  ];
  for (let i = 0; i < 200; i++) {
    const reply = await rawExchange(target.server.port, shapes[i % shapes.length]());
    const status = /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1];
    const at = `raw ${i}: ${reply.slice(0, 200)}`;
    if (reply !== '') expect(Number(status), at).toBeGreaterThanOrEqual(400);
    if (reply !== '') expect(Number(status), at).toBeLessThan(500);
    expect(reply, at).not.toContain('outside the data dir');
  }
  expect(await stillServing(target)).toBe(true);
}, 60_000);
