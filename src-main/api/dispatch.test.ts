import { describe, expect, it } from 'vitest';
import type { Handlers } from '../shared/contract';
import { StudioError } from '../shared/errors';
import { dispatch } from './dispatch';

const info = {
  appVersion: '1.0.0',
  platform: 'linux',
  arch: 'x64',
  runtime: { node: '20', electron: null },
  executionProviders: [],
  dataDir: '/tmp/x',
  models: [],
};
const handlers = { 'system.info': () => info } as unknown as Handlers;

describe('dispatch', () => {
  it('runs a valid call', async () => {
    expect(await dispatch(handlers, 'system.info', {})).toEqual({ ok: true, result: info });
    expect(await dispatch(handlers, 'system.info', undefined)).toEqual({ ok: true, result: info });
  });

  it.each([
    ['unknown method', 'system.nope', {}, 'unknown_method'],
    ['non-string method', 42, {}, 'unknown_method'],
    ['inherited property as method', 'toString', {}, 'unknown_method'],
    ['unexpected key', 'system.info', { a: 1 }, 'invalid_input'],
    ['null input', 'system.info', null, 'invalid_input'],
    ['array input', 'system.info', [], 'invalid_input'],
  ])('refuses %s with a typed error', async (_name, method, input, code) => {
    const outcome = await dispatch(handlers, method, input);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.code).toBe(code);
  });

  it('passes a service error through and hides unexpected ones', async () => {
    const failing = {
      'system.info': () => {
        throw new StudioError('not_found', 'gone', { id: 3 });
      },
    } as unknown as Handlers;
    expect(await dispatch(failing, 'system.info', {})).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'gone', details: { id: 3 } },
    });
    const logged: unknown[] = [];
    const crashing = {
      'system.info': () => {
        throw new TypeError('secret internals at /home/user/file.ts:3');
      },
    } as unknown as Handlers;
    const outcome = await dispatch(crashing, 'system.info', {}, { logError: (_m, e) => logged.push(e) });
    expect(outcome).toEqual({ ok: false, error: { code: 'internal', message: 'system.info failed unexpectedly' } });
    expect(logged).toHaveLength(1);
  });
});
