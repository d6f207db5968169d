// Seeded fuzzing of dispatch, which Electron IPC calls with whatever a renderer sends (structured clones, so cyclic
// values, typed arrays and deep nesting too): 1,500 calls over every method and many non-methods. Each must come back
// as a typed outcome, never a throw, never `internal`; the studio still answers afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '../server/test-support/probe-target';
import { methods } from '../shared/contract';
import { errorCodes } from '../shared/errors';
import { createStudio, type Studio } from '../studio';
import { dispatch } from './dispatch';

let dir: string;
let studio: Studio;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-dispatch-fuzz-'));
  studio = createStudio({
    dataDir: path.join(dir, 'data'),
    appVersion: '0.0.0',
    bundledModelsDir: path.join(dir, 'none'),
  });
});
afterAll(async () => {
  await studio.close();
  rmSync(dir, { recursive: true, force: true });
});

function deepArrays(depth: number): unknown {
  return JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
}

const cyclic: Record<string, unknown> = { prompt: 'loop' };
cyclic.self = cyclic;

const names = [
  ...Object.keys(methods),
  'nope',
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  42,
  null,
  undefined,
  {},
  ['system.info'],
  Symbol.iterator,
];

function junkValue(random: ReturnType<typeof seededRandom>, depth = 0): unknown {
  const scalars = [
    null,
    undefined,
    0,
    -1,
    1e308,
    Number.NaN,
    Infinity,
    2n ** 70n,
    '',
    'x'.repeat(random.pick([1, 300, 70_000])),
    '\u0000',
    '\ud800',
    '../../../etc/passwd',
    'C:\\Windows\\system32',
    true,
    new Uint8Array(8),
    new Date(0),
  ];
  const roll = random.next();
  if (depth > 3 || roll < 0.4) return random.pick(scalars);
  if (roll < 0.55) return Array.from({ length: random.int(4) }, () => junkValue(random, depth + 1));
  if (roll < 0.6) return deepArrays(random.pick([65, 1000, 100_000]));
  if (roll < 0.63) return cyclic;
  const keys = [
    'prompt',
    'model',
    'id',
    'ids',
    'jobId',
    'seed',
    'steps',
    'width',
    'path',
    'name',
    'bytes',
    '__proto__',
    'limit',
    'query',
  ];
  const value: Record<string, unknown> = {};
  for (let k = random.int(4); k > 0; k--) value[random.pick(keys)] = junkValue(random, depth + 1);
  return value;
}

it('answers 1,500 malformed calls with typed outcomes, never a throw or internal', async () => {
  const random = seededRandom(13);
  const logged: string[] = [];
  const codes = new Map<string, number>();
  for (let i = 0; i < 1500; i++) {
    const name = random.pick(names);
    const input = junkValue(random);
    const outcome = await dispatch(studio.handlers, name, input, {
      logError: (m, e) => logged.push(`${m}: ${String(e)}`),
    });
    if (outcome.ok) continue;
    const at = `call ${i} (${String(name)}): ${JSON.stringify(outcome.error).slice(0, 300)}`;
    expect(errorCodes, at).toContain(outcome.error.code);
    expect(outcome.error.code, at).not.toBe('internal');
    expect(outcome.error.message, at).not.toMatch(/\n\s+at /);
    codes.set(outcome.error.code, (codes.get(outcome.error.code) ?? 0) + 1);
  }
  expect(logged).toEqual([]);
  expect(codes.get('invalid_input')).toBeGreaterThan(500);
  expect(codes.get('unknown_method')).toBeGreaterThan(50);
  expect(await dispatch(studio.handlers, 'system.info', {})).toMatchObject({ ok: true });
}, 30_000);
