// Checks a job's parameters once, at the engine's boundary, and fills in every default (cli.md's).
import { createHash } from 'node:crypto';
import { InvalidParamsError } from './engine-errors';
import type { GenerateParams, InpaintSettings, ResolvedSettings } from './engine-types';
import { maskGrey } from './masked-latents';
import type { ModelDescription } from './model-folder';
import { generationLimits as limits } from '../shared/generation-limits';
import { generationDefaults, schedulerDefaults } from '../shared/schedulers';
import { SCHEDULER_IDS, type SchedulerId } from './schedulers/scheduler';

function integerIn(field: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidParamsError(field, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function side(field: string, value: number, multiple: number): number {
  integerIn(field, value, limits.side.min, limits.side.max);
  if (value % limits.side.multiple !== 0) {
    throw new InvalidParamsError(field, `must be a multiple of ${limits.side.multiple}, got ${value}`);
  }
  if (value % multiple !== 0) {
    throw new InvalidParamsError(field, `must be a multiple of ${multiple} for this model, got ${value}`);
  }
  return value;
}

function promptIn(field: string, value: unknown): void {
  if (typeof value !== 'string') throw new InvalidParamsError(field, 'must be a string');
  if (value.length > limits.promptLength.max) {
    throw new InvalidParamsError(field, `must be at most ${limits.promptLength.max} characters, got ${value.length}`);
  }
}

export function resolveSettings(params: GenerateParams, model: ModelDescription): ResolvedSettings {
  promptIn('prompt', params.prompt);
  if (params.negative !== undefined) promptIn('negative', params.negative);
  if (typeof params.seed !== 'bigint' || params.seed < limits.seed.min || params.seed > limits.seed.max) {
    throw new InvalidParamsError('seed', `must be an integer from 0 to 2^64 - 1, got ${String(params.seed)}`);
  }
  const scheduler: SchedulerId = params.scheduler ?? model.defaultScheduler;
  if (!SCHEDULER_IDS.includes(scheduler)) {
    throw new InvalidParamsError(
      'scheduler',
      `unknown scheduler "${String(scheduler)}" (one of ${SCHEDULER_IDS.join(', ')})`,
    );
  }
  const defaults = schedulerDefaults(scheduler);
  const steps = integerIn('steps', params.steps ?? defaults.steps, limits.steps.min, limits.steps.max);
  const guidance = params.guidance ?? defaults.guidance;
  const { min: minGuidance, max: maxGuidance } = limits.guidance;
  if (typeof guidance !== 'number' || !Number.isFinite(guidance) || guidance < minGuidance || guidance > maxGuidance) {
    throw new InvalidParamsError(
      'guidance',
      `must be a number from ${minGuidance} to ${maxGuidance}, got ${String(guidance)}`,
    );
  }
  const width = side('width', params.width ?? model.nativeSize, model.sizeMultiple);
  const height = side('height', params.height ?? model.nativeSize, model.sizeMultiple);
  const batch = integerIn('batch', params.batch ?? 1, limits.batch.min, limits.batch.max);

  let strength: number | null = null;
  if (params.initImage) {
    const { initImage } = params;
    // "Only masked" repaints a crop scaled to width × height and pastes it back, so its init image may be any size
    // (A1111's inpaint_full_res); everything else starts from the init image's own latents.
    const onlyMasked = params.mask !== undefined && params.inpaintArea === 'masked';
    if (onlyMasked) {
      integerIn('initImage.width', initImage.width, 1, limits.side.max);
      integerIn('initImage.height', initImage.height, 1, limits.side.max);
    } else if (initImage.width !== width || initImage.height !== height) {
      throw new InvalidParamsError(
        'initImage',
        `must be exactly ${width}×${height}, got ${initImage.width}×${initImage.height}`,
      );
    }
    const pixels = initImage.width * initImage.height;
    if (
      !(initImage.data instanceof Uint8Array) ||
      (initImage.data.length !== pixels * 3 && initImage.data.length !== pixels * 4)
    ) {
      throw new InvalidParamsError(
        'initImage',
        `data must hold ${initImage.width}×${initImage.height} RGB or RGBA pixels`,
      );
    }
    strength = params.strength ?? generationDefaults.strength;
    const { above, max } = limits.strength;
    if (typeof strength !== 'number' || !(strength > above && strength <= max)) {
      throw new InvalidParamsError('strength', `must be in (${above}, ${max}], got ${String(strength)}`);
    }
    // diffusers keeps floor(steps·strength) steps; zero would leave nothing to denoise (and crash there).
    if (Math.floor(steps * strength) < 1) {
      throw new InvalidParamsError(
        'strength',
        `${strength} × ${steps} steps leaves no step to run; raise strength or steps`,
      );
    }
    if (!model.files.vaeEncoder) {
      throw new InvalidParamsError(
        'initImage',
        `model ${model.name} has no vae_encoder/model.onnx, so it cannot do img2img`,
      );
    }
  }

  const mask = inpaintSettings(params, { width, height });

  return {
    prompt: params.prompt,
    negative: params.negative ?? '',
    seed: params.seed,
    steps,
    guidance,
    scheduler,
    width,
    height,
    batch,
    strength,
    ...(mask ? { mask } : {}),
    model: { name: model.name, hash: model.hash },
  };
}

/** A mask needs an init image of its size; its hash (of the grey levels the pipeline uses) identifies it. */
function inpaintSettings(
  params: GenerateParams,
  generation: { width: number; height: number },
): InpaintSettings | undefined {
  const { mask } = params;
  if (!mask) {
    if (params.maskBlur !== undefined) throw new InvalidParamsError('maskBlur', 'needs a mask');
    if (params.keepDecoded !== undefined) throw new InvalidParamsError('keepDecoded', 'needs a mask');
    if (params.inpaintArea !== undefined) throw new InvalidParamsError('inpaintArea', 'needs a mask');
    if (params.inpaintPadding !== undefined) throw new InvalidParamsError('inpaintPadding', 'needs a mask');
    return undefined;
  }
  if (!params.initImage) throw new InvalidParamsError('mask', 'needs an init image to repaint');
  const { width, height } = params.initImage;
  if (mask.width !== width || mask.height !== height) {
    throw new InvalidParamsError(
      'mask',
      `must be exactly ${width}×${height} like the init image, got ${mask.width}×${mask.height}`,
    );
  }
  const pixels = width * height;
  if (!(mask.data instanceof Uint8Array) || ![1, 3, 4].some((channels) => mask.data.length === pixels * channels)) {
    throw new InvalidParamsError('mask', `data must hold ${width}×${height} grey, RGB or RGBA pixels`);
  }
  const blur = params.maskBlur ?? generationDefaults.maskBlur;
  if (typeof blur !== 'number' || !Number.isFinite(blur) || blur < limits.maskBlur.min || blur > limits.maskBlur.max) {
    throw new InvalidParamsError(
      'maskBlur',
      `must be a number from ${limits.maskBlur.min} to ${limits.maskBlur.max}, got ${String(blur)}`,
    );
  }
  const grey = maskGrey(mask);
  const resized = width !== generation.width || height !== generation.height;
  if (resized && grey.every((level) => level === 0)) {
    throw new InvalidParamsError(
      'mask',
      `is all black: "only masked" has nothing to repaint at ${generation.width}×${generation.height}`,
    );
  }
  const hash = createHash('sha256').update(grey).digest('hex');
  const settings: InpaintSettings = { hash, blur, keepDecoded: params.keepDecoded ?? false };
  const area = params.inpaintArea ?? 'whole';
  if (area !== 'whole' && area !== 'masked') {
    throw new InvalidParamsError('inpaintArea', `must be 'whole' or 'masked', got ${String(area)}`);
  }
  const { min, max } = limits.inpaintPadding;
  const padding = integerIn('inpaintPadding', params.inpaintPadding ?? generationDefaults.inpaintPadding, min, max);
  return area === 'masked' ? { ...settings, inpaintArea: area, inpaintPadding: padding } : settings;
}
