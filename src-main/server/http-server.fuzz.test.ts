// Throws hundreds of malformed calls at the server: every one must get a typed error, and the server must survive.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorCodes } from '../shared/errors';
import { createStudio } from '../studio';
import { startServer, type RunningServer } from './http-server';

let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-fuzz-'));
  const studio = createStudio({ dataDir: dir, appVersion: '0.0.0', bundledModelsDir: path.join(dir, 'none') });
  server = await startServer({ studio, rendererDir: dir });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Deterministic choices, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

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
  '\ud800',
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
];

it('answers 240 malformed calls with typed errors and keeps running', async () => {
  const next = random(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const base = `http://127.0.0.1:${server.port}`;
  for (let i = 0; i < 240; i++) {
    const kind = i % 4;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (kind !== 1) headers.Authorization = `Bearer ${server.token}`;
    if (kind === 2) headers.Origin = pick(['http://evil.example', 'null', 'file://', 'http://127.0.0.1:1']);
    if (kind === 3) headers.Authorization = `Bearer ${server.token.slice(0, 10)}${'A'.repeat(pick([0, 22, 300]))}`;
    const method = kind === 0 ? pick(methods) : 'system.info';
    const body = kind === 0 && method === 'system.info' ? pick(bodies.slice(0, -1)) : pick(bodies);
    const response = await fetch(`${base}/api/${method}`, { method: 'POST', headers, body });
    const text = await response.text();
    expect(response.status, `call ${i}`).toBeGreaterThanOrEqual(400);
    expect(response.status, `call ${i}`).toBeLessThan(500);
    const value = JSON.parse(text) as { code: string; message: string };
    expect(errorCodes, `call ${i}: ${text.slice(0, 200)}`).toContain(value.code);
    expect(typeof value.message).toBe('string');
    expect(text).not.toMatch(/\n\s+at /);
  }
  const alive = await fetch(`${base}/api/system.info`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}` },
  });
  expect(alive.status).toBe(200);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}, 60_000);
