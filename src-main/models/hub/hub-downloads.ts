// The studio's downloads from the Hub: each one planned while the caller waits (so a missing repository, a gated one
// or an unreachable endpoint is the method's own error), then run in the background with progress events, one
// cancel per download, and the model added to the library when it is installed.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EventHub } from '../../event-hub';
import { StudioError } from '../../shared/errors';
import type { DownloadStarted } from '../../shared/models';
import type { ModelLibrary } from '../model-library';
import type { RetryPolicy } from './file-download';
import { createHubClient } from './hub-client';
import { planDownload, runDownload, type CheckpointImporter, type DownloadProgress } from './hub-download';

export interface HubDownloads {
  start(request: { repo: string; revision: string; name?: string }): Promise<DownloadStarted>;
  cancel(downloadId: string): { cancelled: boolean };
  /** Resolves when the download ends, however it ends (the CLI waits on it; the views listen to the events). */
  settled(downloadId: string): Promise<void>;
  /** Cancels every download and waits for them to stop (the studio is closing). */
  close(): Promise<void>;
}

export interface HubDownloadsDeps {
  dataDir: string;
  library: ModelLibrary;
  events: EventHub;
  endpoint: () => string;
  /** An access token for gated or private repositories (HF_TOKEN); never logged, never sent off the endpoint. */
  token: () => string | undefined;
  importCheckpoint?: CheckpointImporter;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  /** Least time between two progress events of one download. */
  progressEveryMs?: number;
  log?: (message: string) => void;
}

export function createHubDownloads(deps: HubDownloadsDeps): HubDownloads {
  const running = new Map<
    string,
    { controller: AbortController; name: string; repo: string; commit: string; finished: Promise<void> }
  >();
  const places = { downloadsDir: path.join(deps.dataDir, 'downloads'), modelsDir: deps.library.userDir };
  const everyMs = deps.progressEveryMs ?? 200;

  return {
    async start(request) {
      const client = createHubClient({ endpoint: deps.endpoint(), token: deps.token() || undefined, fetch: deps.fetch });
      const nameTaken = (name: string) =>
        deps.library.resolve(name) !== undefined ||
        existsSync(path.join(places.modelsDir, name)) ||
        [...running.values()].some((d) => d.name === name);
      const plan = await planDownload(client, request, { importCheckpoint: deps.importCheckpoint, nameTaken });
      // Two downloads of one commit would write the same partial files.
      const same = [...running.values()].find((d) => d.repo === plan.repo && d.commit === plan.commit);
      if (same) throw new StudioError('conflict', `${plan.repo}@${plan.commit} is already downloading (as ${same.name})`);
      const downloadId = randomUUID();
      const controller = new AbortController();
      const progress = trailingThrottle(everyMs, (p: DownloadProgress) =>
        deps.events.emit('models.download.progress', { downloadId, ...p }),
      );
      const finished = runDownload(plan, {
        ...places,
        client,
        importCheckpoint: deps.importCheckpoint,
        retry: deps.retry,
        signal: controller.signal,
        onProgress: progress.push,
      })
        .finally(progress.flush)
        .then(
        () => {
          const model = deps.library.resolve(plan.name);
          deps.log?.(`downloaded ${plan.repo}@${plan.commit} as ${plan.name}`);
          deps.events.emit('models.download.done', {
            downloadId,
            repo: plan.repo,
            model: { id: model?.id ?? `user:${plan.name}`, name: plan.name },
          });
        },
        (error: unknown) => {
          // A disk error (full, not writable) is the user's to fix: say it as the system said it.
          const value =
            error instanceof StudioError
              ? error
              : new StudioError('download_failed', `${plan.repo}: ${error instanceof Error ? error.message : error}`, {
                  reason: 'io',
                });
          if (!(error instanceof StudioError)) deps.log?.(`download of ${plan.repo} failed: ${String(error)}`);
          const reason = (value.details as { reason?: string } | undefined)?.reason ?? null;
          deps.events.emit('models.download.failed', {
            downloadId,
            repo: plan.repo,
            code: value.code,
            reason,
            message: value.message,
          });
        },
      );
      running.set(downloadId, { controller, name: plan.name, repo: plan.repo, commit: plan.commit, finished });
      void finished.finally(() => running.delete(downloadId));
      return {
        downloadId,
        repo: plan.repo,
        commit: plan.commit,
        name: plan.name,
        files: plan.files.length,
        totalBytes: plan.totalBytes,
      };
    },
    cancel(downloadId) {
      const download = running.get(downloadId);
      download?.controller.abort();
      return { cancelled: download !== undefined };
    },
    settled: async (downloadId) => running.get(downloadId)?.finished,
    async close() {
      const all = [...running.values()];
      for (const download of all) download.controller.abort();
      await Promise.all(all.map((d) => d.finished));
    },
  };
}

/** At most one call per `everyMs`, and the latest value always delivered (a stalled download shows where it stands). */
function trailingThrottle<T>(everyMs: number, deliver: (value: T) => void) {
  let last = 0;
  let pending: { value: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    last = Date.now();
    const { value } = pending;
    pending = null;
    deliver(value);
  };
  const push = (value: T) => {
    pending = { value };
    if (timer) return;
    const wait = last + everyMs - Date.now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };
  return { push, flush };
}
