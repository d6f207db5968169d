// How durations and settings read in the UI.
import type { SchedulerIdValue } from '../../src-main/shared/generation';

/** 850 ms → "0.9 s", 75 s → "1:15". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// Typed as a full record so that a scheduler added to the contract fails the build until it has a name here.
// (The contract's own `schedulerIds` would pull zod into the renderer bundle; generation.ts builds schemas on load.)
const schedulerNames: Record<SchedulerIdValue, string> = {
  pndm: 'PNDM',
  ddim: 'DDIM',
  euler: 'Euler',
  'euler-a': 'Euler a',
  'dpmpp-2m': 'DPM++ 2M',
  'dpmpp-2m-karras': 'DPM++ 2M Karras',
  lcm: 'LCM',
};

export const schedulers = Object.keys(schedulerNames) as SchedulerIdValue[];

export function isScheduler(id: unknown): id is SchedulerIdValue {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(schedulerNames, id);
}

export function schedulerLabel(id: SchedulerIdValue): string {
  return schedulerNames[id] ?? id;
}
