// Runs one job on an engine and reports through plain messages; shared by the worker thread and in-process use.
import { isAbortError } from '../engine-errors';
import type { Engine } from '../engine';
import { describeFailure } from './failure';
import type { FromWorker, ToWorker } from './worker-protocol';

export function createJobRunner(engine: Engine, post: (message: FromWorker) => void) {
  const controllers = new Map<string, AbortController>();
  let chain: Promise<void> = Promise.resolve();

  async function generate(message: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
    const controller = controllers.get(message.jobId);
    if (!controller || controller.signal.aborted) {
      controllers.delete(message.jobId);
      return post({ type: 'cancelled', jobId: message.jobId, step: 0 });
    }
    post({ type: 'started', jobId: message.jobId });
    try {
      const result = await engine.generate(message.modelDir, message.params, {
        signal: controller.signal,
        previewEvery: message.previewEvery,
        onStep: (info) => post({ type: 'step', jobId: message.jobId, info: { ...info, latents: undefined } }),
        onPrepare: (info) => post({ type: 'preparing', jobId: message.jobId, info }),
      });
      post({ type: 'done', jobId: message.jobId, result });
    } catch (error) {
      if (isAbortError(error)) post({ type: 'cancelled', jobId: message.jobId, step: error.step });
      else post({ type: 'failed', jobId: message.jobId, error: describeFailure(error) });
    } finally {
      controllers.delete(message.jobId);
    }
  }

  return {
    handle(message: ToWorker): void {
      if (message.type === 'cancel') {
        controllers.get(message.jobId)?.abort();
        return;
      }
      controllers.set(message.jobId, new AbortController());
      // One job at a time on the CPU: the next starts when the previous has finished or been cancelled.
      chain = chain.then(() => generate(message));
    },
    async dispose(): Promise<void> {
      for (const controller of controllers.values()) controller.abort();
      await chain;
      await engine.dispose();
    },
  };
}
