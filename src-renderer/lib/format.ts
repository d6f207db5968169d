// How durations and settings read in the UI.
import { isSchedulerId, schedulerEntry, schedulerIds, type SchedulerIdValue } from '../../src-main/shared/schedulers';

/** 850 ms → "0.9 s", 75 s → "1:15". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The registry's ids, in its order (shared/schedulers.ts is plain data: no zod in the renderer bundle). */
export const schedulers: readonly SchedulerIdValue[] = schedulerIds;

export function isScheduler(id: unknown): id is SchedulerIdValue {
  return isSchedulerId(id);
}

export function schedulerLabel(id: SchedulerIdValue): string {
  return isSchedulerId(id) ? schedulerEntry(id).label : id;
}
