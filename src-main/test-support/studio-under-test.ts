// Test support: a real studio on a fresh data directory (bundled models, engine on this thread), driven the way
// the transports drive it — through dispatch — with a helper that submits a job and waits for its end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dispatch } from '../api/dispatch';
import { appRoot } from '../app-paths';
import type { Events } from '../shared/contract';
import { createStudio, type Studio, type StudioOptions } from '../studio';

export interface StudioUnderTest {
  studio: Studio;
  dataDir: string;
  /** The method's result; a refusal throws an Error carrying the refusal's `code`. */
  call<R>(method: string, input: unknown): Promise<R>;
  /** Submits generate.submit with `input` and resolves with its job.done (rejects on job.failed). */
  generate(input: Record<string, unknown>): Promise<Events['job.done']>;
  close(): Promise<void>;
}

export function studioUnderTest(name: string, options: Partial<StudioOptions> = {}): StudioUnderTest {
  const dataDir = mkdtempSync(path.join(tmpdir(), `studio-${name}-`));
  const studio = createStudio({
    dataDir,
    appVersion: '0.0.0',
    bundledModelsDir: path.join(appRoot(), 'models'),
    engineMode: 'inline',
    threads: 1,
    ...options,
  });

  async function call<R>(method: string, input: unknown): Promise<R> {
    const outcome = await dispatch(studio.handlers, method, input);
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
    return outcome.result as R;
  }

  async function generate(input: Record<string, unknown>): Promise<Events['job.done']> {
    let jobId = '';
    let stop = () => {};
    const done = new Promise<Events['job.done']>((resolve, reject) => {
      stop = studio.events.subscribe((event, payload) => {
        if ((payload as { jobId?: string }).jobId !== jobId) return;
        if (event === 'job.done') resolve(payload as Events['job.done']);
        if (event === 'job.failed') reject(new Error(JSON.stringify(payload)));
      });
    });
    jobId = (await call<{ jobId: string }>('generate.submit', input)).jobId;
    return done.finally(stop);
  }

  return {
    studio,
    dataDir,
    call,
    generate,
    async close() {
      await studio.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
