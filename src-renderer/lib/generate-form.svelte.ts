// The generate form: its fields, their checks (the same limits as the contract's schema, so a request that leaves
// the form is valid), and its persistence in localStorage across launches.
import type { LoraUse } from '../../src-main/shared/loras';
import type { GenerateRequest, JobSettings, ModelInfo, SchedulerIdValue } from '../../src-main/shared/generation';
import { generationLimits as limits } from '../../src-main/shared/generation-limits';
import { generationDefaults } from '../../src-main/shared/schedulers';
import { isScheduler } from './format';

export type Mode = 'txt2img' | 'img2img';

export interface FormValues {
  /** A model id from system.info; null: none chosen yet. */
  model: string | null;
  prompt: string;
  negative: string;
  seed: string;
  randomSeed: boolean;
  steps: number;
  guidance: number;
  scheduler: SchedulerIdValue;
  width: number;
  height: number;
  batch: number;
  mode: Mode;
  strength: number;
}

export type Field = keyof FormValues;

const storageKey = 'studio.generate-form.v1';

export const defaults: FormValues = {
  model: null,
  prompt: '',
  negative: '',
  seed: '',
  randomSeed: true,
  steps: generationDefaults.steps,
  guidance: generationDefaults.guidance,
  scheduler: 'pndm',
  width: 512,
  height: 512,
  batch: 1,
  mode: 'txt2img',
  strength: generationDefaults.strength,
};

export class GenerateForm {
  model = $state(defaults.model);
  prompt = $state(defaults.prompt);
  negative = $state(defaults.negative);
  seed = $state(defaults.seed);
  randomSeed = $state(defaults.randomSeed);
  steps = $state(defaults.steps);
  guidance = $state(defaults.guidance);
  scheduler = $state(defaults.scheduler);
  width = $state(defaults.width);
  height = $state(defaults.height);
  batch = $state(defaults.batch);
  mode = $state(defaults.mode);
  strength = $state(defaults.strength);
  /** LoRAs merged for the next job, with their strengths (the LoRAs panel edits this list). */
  loras = $state<LoraUse[]>([]);
  /** Field errors the main process reported for the last submit (invalid_input). */
  serverErrors = $state<Partial<Record<string, string>>>({});

  /** What is wrong with the form as it stands, by field, as "must be …" (the contract's wording). */
  readonly problems = $derived(checkValues(this.values()));
  readonly valid = $derived(Object.keys(this.problems).length === 0);
  /** Whether the form came from storage (then a model's defaults must not overwrite it). */
  readonly restored: boolean;

  constructor(private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    const saved = readSaved(storage);
    this.restored = saved !== null;
    if (saved) this.assign(saved);
    $effect.root(() => {
      $effect(() => {
        const values = this.values();
        try {
          this.storage?.setItem(storageKey, JSON.stringify(values));
        } catch {
          // Storage full or disabled: the form still works, it is just not remembered.
        }
      });
    });
  }

  values(): FormValues {
    const { model, prompt, negative, seed, randomSeed, steps, guidance, scheduler } = this;
    const { width, height, batch, mode, strength } = this;
    return {
      model,
      prompt,
      negative,
      seed,
      randomSeed,
      steps,
      guidance,
      scheduler,
      width,
      height,
      batch,
      mode,
      strength,
    };
  }

  assign(values: Partial<FormValues>): void {
    Object.assign(this, values);
  }

  error(field: Field): string | undefined {
    return this.problems[field] ?? this.serverErrors[field];
  }

  /** A model's own defaults: its scheduler and native size. */
  applyModelDefaults(info: ModelInfo): void {
    this.assign({ scheduler: info.defaultScheduler, width: info.width, height: info.height });
  }

  /** "Reuse settings": everything a result was made with, its seed included. */
  applySettings(settings: JobSettings, model: string | null): void {
    this.loras = (settings.loras ?? []).map(({ name, strength }) => ({ name, strength }));
    this.assign({
      prompt: settings.prompt,
      negative: settings.negative,
      steps: settings.steps,
      guidance: settings.guidance,
      scheduler: settings.scheduler,
      width: settings.width,
      height: settings.height,
      batch: settings.batch,
      ...(settings.strength !== null ? { strength: settings.strength } : {}),
      ...(model ? { model } : {}),
    });
    this.useSeed(settings.seed);
  }

  useSeed(seed: string): void {
    this.assign({ seed, randomSeed: false });
  }

  /** The request for generate.submit; `initImage` is the sketch as PNG (base64) in img2img mode, `parent` the gallery
   * id of the picture it started from. */
  toRequest(initImage?: string, parent?: number): GenerateRequest {
    const img2img = this.mode === 'img2img' && initImage !== undefined;
    return {
      ...(this.model ? { model: this.model } : {}),
      prompt: this.prompt,
      negative: this.negative,
      ...(this.randomSeed ? {} : { seed: this.seed.trim() }),
      steps: this.steps,
      guidance: this.guidance,
      scheduler: this.scheduler,
      width: this.width,
      height: this.height,
      batch: this.batch,
      ...(img2img ? { initImage: { pngBase64: initImage }, strength: this.strength } : {}),
      ...(img2img && parent !== undefined ? { parent } : {}),
      ...(this.loras.length > 0 ? { loras: this.loras.map((l) => ({ ...l })) } : {}),
      // A preview about every 5 % of the way: enough to watch, cheap to encode.
      previewEvery: Math.max(1, Math.round(this.steps / 20)),
    };
  }
}

export function checkValues(v: FormValues): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {};
  const range = (field: Field, value: number, min: number, max: number, whole = true) => {
    if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
      problems[field] = `must be ${whole ? 'a whole number ' : ''}from ${min} to ${max}`;
    }
  };
  if (!v.randomSeed) {
    const seed = v.seed.trim();
    if (!/^\d{1,20}$/.test(seed) || BigInt(seed) > limits.seed.max)
      problems.seed = 'must be a whole number from 0 to 2^64 − 1';
  }
  range('steps', v.steps, limits.steps.min, limits.steps.max);
  range('guidance', v.guidance, limits.guidance.min, limits.guidance.max, false);
  range('batch', v.batch, limits.batch.min, limits.batch.max);
  for (const side of ['width', 'height'] as const) {
    range(side, v[side], limits.side.min, limits.side.max);
    if (!problems[side] && v[side] % limits.side.multiple !== 0)
      problems[side] = `must be a multiple of ${limits.side.multiple}`;
  }
  for (const text of ['prompt', 'negative'] as const) {
    if (v[text].length > limits.promptLength.max)
      problems[text] = `must be at most ${limits.promptLength.max} characters`;
  }
  const { above, max } = limits.strength;
  if (v.mode === 'img2img' && !(v.strength > above && v.strength <= max))
    problems.strength = `must be more than ${above}, at most ${max}`;
  return problems;
}

/** Stored values pass only field by field, with their types checked: storage may hold an older app's form. */
function readSaved(storage: Storage | null): Partial<FormValues> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(storageKey) ?? 'null');
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const saved: Record<string, unknown> = {};
  for (const [field, fallback] of Object.entries(defaults)) {
    const value = (raw as Record<string, unknown>)[field];
    const expected = fallback === null ? 'string' : typeof fallback;
    if (typeof value === expected) saved[field] = value;
  }
  if (!isScheduler(saved.scheduler)) delete saved.scheduler;
  // The mode comes back too: the sketch an img2img job starts from is kept across launches (canvas.load).
  if (saved.mode !== 'txt2img' && saved.mode !== 'img2img') delete saved.mode;
  return saved as Partial<FormValues>;
}
