// App-wide state as a Svelte 5 rune class, provided to components through a typed context.
import { getContext } from 'svelte';
import type { StudioApi } from '../../src-main/shared/contract';
import type { SystemInfo } from '../../src-main/shared/system-types';
import { ApiError } from './api';

const key = Symbol('studio');

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export class StudioState {
  info = $state<SystemInfo | null>(null);
  connection = $state<'connecting' | 'ready' | 'failed'>('connecting');
  notices = $state<Notice[]>([]);

  constructor(readonly api: StudioApi) {
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

  notify(notice: Notice): void {
    this.notices = [...this.notices.slice(-4), notice];
  }

  dismiss(index: number): void {
    this.notices = this.notices.filter((_, i) => i !== index);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export function provideStudio(state: StudioState): Map<symbol, StudioState> {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- mount()'s context map, not reactive state
  return new Map([[key, state]]);
}

export function useStudio(): StudioState {
  const state = getContext<StudioState | undefined>(key);
  if (!state) throw new Error('useStudio() outside the studio context');
  return state;
}
