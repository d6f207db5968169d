// The schedulers the studio offers, declared once. The contract's ids, the UI's labels, the sampler names written
// into PNGs and read back from other tools' metadata, and the CLI's help are all derived from this list; the
// engine maps each id to its algorithm in engine/schedulers/index.ts (a missing one is a compile error there).
// Plain data on purpose: the renderer imports it without pulling in zod.

export interface SchedulerEntry {
  /** The studio's id: the contract, the CLI (`--scheduler`), the gallery's records. */
  readonly id: string;
  /** What the UI shows. */
  readonly label: string;
  /** A1111's sampler name: written into the `parameters` chunk, and read back (case-insensitively) on import. */
  readonly a1111: string;
  /** InvokeAI's scheduler name, read on import. */
  readonly invokeai: string;
  /** ComfyUI's `sampler_name` + `scheduler` (also Fooocus's), read on import; null when ComfyUI has none. */
  readonly comfyui: { readonly sampler: string; readonly schedule: string } | null;
  /** The diffusers class a model's scheduler_config.json names (`_class_name`), and its `use_karras_sigmas`. */
  readonly diffusers: { readonly className: string; readonly karras?: boolean };
  /** Defaults that differ from generationDefaults for this algorithm (cli.md: lcm runs 4 steps at guidance 1). */
  readonly defaults?: { readonly steps: number; readonly guidance: number };
}

export const schedulerRegistry = [
  {
    id: 'pndm',
    label: 'PNDM',
    a1111: 'PLMS',
    invokeai: 'pndm',
    comfyui: null,
    diffusers: { className: 'PNDMScheduler' },
  },
  {
    id: 'ddim',
    label: 'DDIM',
    a1111: 'DDIM',
    invokeai: 'ddim',
    comfyui: { sampler: 'ddim', schedule: 'normal' },
    diffusers: { className: 'DDIMScheduler' },
  },
  {
    id: 'euler',
    label: 'Euler',
    a1111: 'Euler',
    invokeai: 'euler',
    comfyui: { sampler: 'euler', schedule: 'normal' },
    diffusers: { className: 'EulerDiscreteScheduler' },
  },
  {
    id: 'euler-a',
    label: 'Euler a',
    a1111: 'Euler a',
    invokeai: 'euler_a',
    comfyui: { sampler: 'euler_ancestral', schedule: 'normal' },
    diffusers: { className: 'EulerAncestralDiscreteScheduler' },
  },
  {
    id: 'dpmpp-2m',
    label: 'DPM++ 2M',
    a1111: 'DPM++ 2M',
    invokeai: 'dpmpp_2m',
    comfyui: { sampler: 'dpmpp_2m', schedule: 'normal' },
    diffusers: { className: 'DPMSolverMultistepScheduler', karras: false },
  },
  {
    id: 'dpmpp-2m-karras',
    label: 'DPM++ 2M Karras',
    a1111: 'DPM++ 2M Karras',
    invokeai: 'dpmpp_2m_k',
    comfyui: { sampler: 'dpmpp_2m', schedule: 'karras' },
    diffusers: { className: 'DPMSolverMultistepScheduler', karras: true },
  },
  {
    id: 'lcm',
    label: 'LCM',
    a1111: 'LCM',
    invokeai: 'lcm',
    comfyui: { sampler: 'lcm', schedule: 'normal' },
    diffusers: { className: 'LCMScheduler' },
    defaults: { steps: 4, guidance: 1 },
  },
] as const satisfies readonly SchedulerEntry[];

export type SchedulerIdValue = (typeof schedulerRegistry)[number]['id'];

/** Every id, in the registry's order (a non-empty tuple, as schema enums want). */
export const schedulerIds = schedulerRegistry.map((entry) => entry.id) as unknown as readonly [
  SchedulerIdValue,
  ...SchedulerIdValue[],
];

/** The registry seen through its interface (optional fields readable on every entry). */
const entries: readonly (SchedulerEntry & { readonly id: SchedulerIdValue })[] = schedulerRegistry;

export function isSchedulerId(value: unknown): value is SchedulerIdValue {
  return typeof value === 'string' && (schedulerIds as readonly string[]).includes(value);
}

export function schedulerEntry(id: SchedulerIdValue): SchedulerEntry {
  const entry = entries.find((e) => e.id === id);
  if (!entry) throw new RangeError(`unknown scheduler id ${JSON.stringify(id)}`);
  return entry;
}

/** Steps and guidance when a request names neither (cli.md). */
export const generationDefaults = {
  steps: 20,
  guidance: 7.5,
  strength: 0.75,
  maskBlur: 4,
  inpaintPadding: 32,
} as const;

export function schedulerDefaults(id: SchedulerIdValue): { steps: number; guidance: number } {
  const own = schedulerEntry(id).defaults;
  return own ?? { steps: generationDefaults.steps, guidance: generationDefaults.guidance };
}

/** The id for a model's scheduler_config.json (`_class_name`, `use_karras_sigmas`); undefined for other classes. */
export function schedulerIdFromDiffusers(className: string, useKarrasSigmas: boolean): SchedulerIdValue | undefined {
  const candidates = entries.filter((entry) => entry.diffusers.className === className);
  if (candidates.length <= 1) return candidates[0]?.id;
  return candidates.find((entry) => (entry.diffusers.karras ?? false) === useKarrasSigmas)?.id;
}
