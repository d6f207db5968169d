// Checks a job's parameters once, at the engine's boundary, and fills in every default (cli.md's).
import { InvalidParamsError } from './engine-errors';
import type { GenerateParams, ResolvedSettings } from './engine-types';
import type { ModelDescription } from './model-folder';
import { SCHEDULER_IDS, type SchedulerId } from './schedulers/scheduler';

const MAX_SEED = (1n << 64n) - 1n;

function integerIn(field: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidParamsError(field, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function side(field: string, value: number, multiple: number): number {
  integerIn(field, value, 64, 2048);
  if (value % 8 !== 0) throw new InvalidParamsError(field, `must be a multiple of 8, got ${value}`);
  if (value % multiple !== 0) {
    throw new InvalidParamsError(field, `must be a multiple of ${multiple} for this model, got ${value}`);
  }
  return value;
}

export function resolveSettings(params: GenerateParams, model: ModelDescription): ResolvedSettings {
  if (typeof params.prompt !== 'string') throw new InvalidParamsError('prompt', 'must be a string');
  if (params.negative !== undefined && typeof params.negative !== 'string')
    throw new InvalidParamsError('negative', 'must be a string');
  if (typeof params.seed !== 'bigint' || params.seed < 0n || params.seed > MAX_SEED) {
    throw new InvalidParamsError('seed', `must be an integer from 0 to 2^64 - 1, got ${String(params.seed)}`);
  }
  const scheduler: SchedulerId = params.scheduler ?? model.defaultScheduler;
  if (!SCHEDULER_IDS.includes(scheduler)) {
    throw new InvalidParamsError(
      'scheduler',
      `unknown scheduler "${String(scheduler)}" (one of ${SCHEDULER_IDS.join(', ')})`,
    );
  }
  const steps = integerIn('steps', params.steps ?? (scheduler === 'lcm' ? 4 : 20), 1, 150);
  const guidance = params.guidance ?? (scheduler === 'lcm' ? 1 : 7.5);
  if (typeof guidance !== 'number' || !Number.isFinite(guidance) || guidance < 0 || guidance > 100) {
    throw new InvalidParamsError('guidance', `must be a number from 0 to 100, got ${String(guidance)}`);
  }
  const width = side('width', params.width ?? model.nativeSize, model.sizeMultiple);
  const height = side('height', params.height ?? model.nativeSize, model.sizeMultiple);
  const batch = integerIn('batch', params.batch ?? 1, 1, 16);

  let strength: number | null = null;
  if (params.initImage) {
    const { initImage } = params;
    if (initImage.width !== width || initImage.height !== height) {
      throw new InvalidParamsError(
        'initImage',
        `must be exactly ${width}×${height}, got ${initImage.width}×${initImage.height}`,
      );
    }
    const pixels = width * height;
    if (
      !(initImage.data instanceof Uint8Array) ||
      (initImage.data.length !== pixels * 3 && initImage.data.length !== pixels * 4)
    ) {
      throw new InvalidParamsError('initImage', `data must hold ${width}×${height} RGB or RGBA pixels`);
    }
    strength = params.strength ?? 0.75;
    if (typeof strength !== 'number' || !(strength > 0 && strength <= 1)) {
      throw new InvalidParamsError('strength', `must be in (0, 1], got ${String(strength)}`);
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
    model: { name: model.name, hash: model.hash },
  };
}
