// Other tools' sampler names → the studio's scheduler ids, where the algorithm is the same one (cli.md); a sampler
// with no counterpart keeps its original name, so the record still says what was used. The names themselves are
// the registry's (shared/schedulers.ts).
import { schedulerRegistry, type SchedulerIdValue } from '../../shared/schedulers';

function lookup(pairs: Array<[string, SchedulerIdValue]>): Map<string, SchedulerIdValue> {
  return new Map(pairs);
}

const a1111 = lookup(schedulerRegistry.map((s) => [s.a1111.toLowerCase(), s.id]));
const comfy = lookup(
  schedulerRegistry.flatMap((s) => (s.comfyui ? [[`${s.comfyui.sampler}|${s.comfyui.schedule}`, s.id]] : [])),
);
const invoke = lookup(schedulerRegistry.map((s) => [s.invokeai, s.id]));

/** A1111 / Forge: `Sampler: DPM++ 2M Karras`, or since 1.9 `Sampler: DPM++ 2M, Schedule type: Karras`. */
export function fromA1111(sampler: string, scheduleType?: string): string {
  let name = sampler.trim();
  if (scheduleType?.trim().toLowerCase() === 'karras' && !/ karras$/i.test(name)) name += ' Karras';
  return a1111.get(name.toLowerCase()) ?? name;
}

/** ComfyUI (and Fooocus, which runs on its samplers): `sampler_name` + `scheduler` (normal, karras, …). */
export function fromComfy(sampler: string, scheduler?: string): string {
  const s = sampler.trim();
  const schedule = (scheduler ?? 'normal').trim().toLowerCase();
  const known = comfy.get(`${s}|${schedule}`);
  if (known) return known;
  if (s === 'ddim' && schedule === 'ddim_uniform') return 'ddim';
  return schedule === 'normal' ? s : `${s} ${schedule}`;
}

/** InvokeAI's scheduler names (`euler_a`, `dpmpp_2m_k`, …). */
export function fromInvoke(scheduler: string): string {
  const s = scheduler.trim();
  return invoke.get(s) ?? s;
}
