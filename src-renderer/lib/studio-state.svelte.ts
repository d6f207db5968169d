// App-wide state as a Svelte 5 rune class, provided to components through a typed context.
import type { SystemInfo } from '../../src-main/shared/system-types';
import { ApiError, type ClientApi } from './api';
import { contextSlot } from './context';

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Information fades by itself; warnings and errors stay until dismissed. */
const infoLifetimeMs = 6000;

export class StudioState {
  info = $state<SystemInfo | null>(null);
  connection = $state<'connecting' | 'ready' | 'failed'>('connecting');
  notices = $state<(Notice & { id: number })[]>([]);
  /** The file manager and the native folder picker work here (the desktop app, not a browser). */
  readonly desktop = $derived(this.info?.desktop === true);
  private nextNoticeId = 1;

  constructor(readonly api: ClientApi) {
    api.on('system.notice', (notice) => this.notify(notice));
  }

  async load(): Promise<void> {
    try {
      this.info = await this.api.call('system.info', {});
      this.connection = 'ready';
    } catch (error) {
      this.connection = 'failed';
      this.notify({ level: 'error', message: describeError(error) });
    }
  }

  /** Reads system.info again (what `auto` measured changes as jobs run); a failure keeps what was shown. */
  async refreshInfo(): Promise<void> {
    try {
      this.info = await this.api.call('system.info', {});
    } catch {
      // The connection state and its notice belong to load(); a dialog refresh stays quiet.
    }
  }

  notify(notice: Notice): void {
    const id = this.nextNoticeId++;
    this.notices = [...this.notices.slice(-4), { ...notice, id }];
    if (notice.level === 'info') setTimeout(() => this.dismiss(id), infoLifetimeMs);
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((notice) => notice.id !== id);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export const studioSlot = contextSlot<StudioState>('StudioState');
export const useStudio = studioSlot.use;
