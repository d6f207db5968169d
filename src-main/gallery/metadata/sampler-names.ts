// Other tools' sampler names → the studio's scheduler ids, where the algorithm is the same one (cli.md); a sampler
// with no counterpart keeps its original name, so the record still says what was used.
import type { SchedulerIdValue } from '../../shared/generation';

const a1111: Record<string, SchedulerIdValue> = {
  'euler a': 'euler-a',
  euler: 'euler',
  ddim: 'ddim',
  plms: 'pndm',
  'dpm++ 2m': 'dpmpp-2m',
  'dpm++ 2m karras': 'dpmpp-2m-karras',
  lcm: 'lcm',
};

/** A1111 / Forge: `Sampler: DPM++ 2M Karras`, or since 1.9 `Sampler: DPM++ 2M, Schedule type: Karras`. */
export function fromA1111(sampler: string, scheduleType?: string): string {
  let name = sampler.trim();
  if (scheduleType?.trim().toLowerCase() === 'karras' && !/ karras$/i.test(name)) name += ' Karras';
  return a1111[name.toLowerCase()] ?? name;
}

const comfyNormal: Record<string, SchedulerIdValue> = {
  euler: 'euler',
  euler_ancestral: 'euler-a',
  ddim: 'ddim',
  dpmpp_2m: 'dpmpp-2m',
  lcm: 'lcm',
};
const comfyKarras: Record<string, SchedulerIdValue> = { dpmpp_2m: 'dpmpp-2m-karras' };

/** ComfyUI (and Fooocus, which runs on its samplers): `sampler_name` + `scheduler` (normal, karras, …). */
export function fromComfy(sampler: string, scheduler?: string): string {
  const s = sampler.trim();
  const schedule = (scheduler ?? 'normal').trim().toLowerCase();
  if (schedule === 'normal') return comfyNormal[s] ?? s;
  if (schedule === 'karras') return comfyKarras[s] ?? `${s} karras`;
  if (s === 'ddim' && schedule === 'ddim_uniform') return 'ddim';
  return `${s} ${schedule}`;
}

const invoke: Record<string, SchedulerIdValue> = {
  euler_a: 'euler-a',
  euler: 'euler',
  ddim: 'ddim',
  pndm: 'pndm',
  dpmpp_2m: 'dpmpp-2m',
  dpmpp_2m_k: 'dpmpp-2m-karras',
  lcm: 'lcm',
};

/** InvokeAI's scheduler names (`euler_a`, `dpmpp_2m_k`, …). */
export function fromInvoke(scheduler: string): string {
  const s = scheduler.trim();
  return invoke[s] ?? s;
}
