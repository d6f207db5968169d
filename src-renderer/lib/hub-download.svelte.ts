// The Models panel's download from the Hub: one download at a time from this view, its progress from the
// models.download.* events, cancel, and the reason when it stops (a missing repository, a wrong hash, no network).
import type { Events } from '../../src-main/shared/contract';
import type { DownloadStarted } from '../../src-main/shared/models';
import { describeError, type StudioState } from './studio-state.svelte';

export type DownloadProgress = Omit<Events['models.download.progress'], 'downloadId'>;

export class HubDownloadState {
  repo = $state('');
  revision = $state('main');
  /** The installed model's name; empty: the repository's name. */
  name = $state('');
  phase = $state<'idle' | 'starting' | 'downloading' | 'cancelling'>('idle');
  started = $state<DownloadStarted | null>(null);
  progress = $state<DownloadProgress | null>(null);
  error = $state<string | null>(null);
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly studio: StudioState,
    /** Told when a model was installed, to read the library again. */
    private readonly installed: (name: string) => Promise<void>,
  ) {
    const mine = (payload: { downloadId: string }) => payload.downloadId === this.started?.downloadId;
    this.stops.push(
      studio.api.on('models.download.progress', (p) => {
        if (mine(p)) this.progress = p;
      }),
      studio.api.on('models.download.done', (done) => {
        if (!mine(done)) return;
        this.finish();
        this.repo = '';
        this.name = '';
        this.studio.notify({ level: 'info', message: `Downloaded ${done.repo} as ${done.model.name}` });
        void this.installed(done.model.name);
      }),
      studio.api.on('models.download.failed', (failed) => {
        if (!mine(failed)) return;
        this.finish();
        this.error = failed.reason === 'cancelled' ? 'Cancelled. Downloading it again resumes.' : failed.message;
      }),
    );
  }

  get busy(): boolean {
    return this.phase !== 'idle';
  }

  async start(): Promise<void> {
    const repo = this.repo.trim();
    if (!repo || this.busy) return;
    this.phase = 'starting';
    this.error = null;
    this.progress = null;
    try {
      const name = this.name.trim() || undefined;
      this.started = await this.studio.api.call('models.download', {
        repo,
        revision: this.revision.trim() || 'main',
        name,
      });
      this.phase = 'downloading';
    } catch (error) {
      this.finish();
      this.error = describeError(error);
    }
  }

  async cancel(): Promise<void> {
    if (!this.started) return;
    this.phase = 'cancelling';
    await this.studio.api.call('models.downloadCancel', { downloadId: this.started.downloadId }).catch(() => {});
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private finish(): void {
    this.phase = 'idle';
    this.started = null;
  }
}
