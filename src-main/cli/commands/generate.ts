import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodePngRgb, encodePngWithMetadata } from '../../formats/png/png-metadata';
import { writeFileAtomic } from '../../fs/write-file-atomic';
import { generateRequestSchema } from '../../shared/generation';
import { generationLimits as limits } from '../../shared/generation-limits';
import { randomSeed } from '../../shared/random-seed';
import { generationDefaults, schedulerDefaults, schedulerIds, type SchedulerIdValue } from '../../shared/schedulers';
import {
  createEngine,
  providerPreferences,
  type GenerateParams,
  type ProviderPreference,
  type SavedImage,
  storedSettings,
} from '../../studio';
import { floatOption, intOption, parseCommand, UsageError, type CommandSpec } from '../args';
import { checkWithContract } from '../contract-options';
import { dataDirHelp, dataDirOption, resolveDataDir, type CliIo } from '../io';
import { readConceptArgs } from '../concept-arg';
import { readLoraArgs } from '../lora-arg';
import { resolveModelArg } from '../model-arg';
import { stepReporter } from '../progress';
import { withGallery } from './gallery-shared';

export const generateSpec = {
  name: 'generate',
  summary: 'Generate images from a prompt (txt2img), from an init image (img2img) or repaint part of it (--mask).',
  usage: 'generate --prompt TEXT [--model DIR] [options] (--out FILE.png | --save)',
  options: {
    model: { type: 'string' },
    prompt: { type: 'string' },
    negative: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
    scheduler: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    batch: { type: 'string' },
    'init-image': { type: 'string' },
    strength: { type: 'string' },
    mask: { type: 'string' },
    'mask-blur': { type: 'string' },
    'keep-decoded': { type: 'boolean' },
    'inpaint-area': { type: 'string' },
    'inpaint-padding': { type: 'string' },
    concept: { type: 'string', multiple: true },
    lora: { type: 'string', multiple: true },
    provider: { type: 'string' },
    out: { type: 'string' },
    save: { type: 'boolean' },
    json: { type: 'boolean' },
    ...dataDirOption,
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['--prompt TEXT', 'what to draw (required)'],
    ['--model DIR', 'a diffusers ONNX model folder or an installed model name (default: the bundled model)'],
    ['--negative TEXT', 'what to steer away from'],
    ['--seed N', '0 … 2^64-1 (default: random, printed)'],
    [
      '--steps N',
      `denoising steps, ${limits.steps.min} … ${limits.steps.max} (default ${generationDefaults.steps}; lcm ${schedulerDefaults('lcm').steps})`,
    ],
    [
      '--guidance F',
      `classifier-free guidance scale, ${limits.guidance.min} … ${limits.guidance.max} (default ${generationDefaults.guidance}; lcm ${schedulerDefaults('lcm').guidance.toFixed(1)}); applies when > 1`,
    ],
    ['--scheduler ID', `${schedulerIds.join(', ')} (default: the model's)`],
    [
      '--width W, --height H',
      `multiples of ${limits.side.multiple}, ${limits.side.min} … ${limits.side.max} (default: the model's native size)`,
    ],
    ['--batch N', `N images from one seed (at most ${limits.batch.max}); writes FILE-0.png … FILE-(N-1).png`],
    ['--init-image PNG', 'img2img from a PNG of exactly width × height (any size with --inpaint-area masked)'],
    ['--strength F', `img2img strength, 0 < F ≤ 1 (default ${generationDefaults.strength})`],
    ['--mask PNG', "inpaint: repaint where this PNG (the init image's size) is white; grey levels blend"],
    [
      '--mask-blur N',
      `Gaussian blur of the mask, σ in pixels, ${limits.maskBlur.min} … ${limits.maskBlur.max} (default ${generationDefaults.maskBlur})`,
    ],
    ['--keep-decoded', "inpaint: keep the decoded pixels outside the mask instead of the init image's"],
    [
      '--inpaint-area AREA',
      "inpaint: whole (default) or masked, which repaints the mask's surroundings at width × height and pastes them back",
    ],
    [
      '--inpaint-padding N',
      `inpaint masked: pixels of context around the mask, ${limits.inpaintPadding.min} … ${limits.inpaintPadding.max} (default ${generationDefaults.inpaintPadding})`,
    ],
    [
      '--concept FILE',
      'a textual-inversion embedding (.safetensors, .pt, .bin); its trigger word works in the prompts',
    ],
    [
      '--lora REF[:W]',
      'a LoRA by library name or .safetensors file, at strength W (default 1); repeatable; <lora:name:W> in the prompt too',
    ],
    ['--provider ID', `${providerPreferences.join(', ')} (default auto; unavailable ones fall back to cpu)`],
    ['--out FILE.png', 'where to write the image (required unless --save)'],
    ['--save', 'also record each image in the gallery (--json objects then carry its `id`)'],
    ['--json', 'print one JSON object per image on stdout'],
    dataDirHelp,
    ['-h, --help', 'show this help'],
  ],
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>>;

export async function runGenerate(argv: string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommand(generateSpec, argv);
  if (v.prompt === undefined) throw new UsageError('option --prompt is required');
  if (v.out === undefined && !v.save) throw new UsageError('option --out is required (or --save)');
  if (v.scheduler !== undefined && !schedulerIds.includes(v.scheduler as SchedulerIdValue)) {
    throw new UsageError(`option --scheduler must be one of ${schedulerIds.join(', ')}, got '${v.scheduler}'`);
  }
  if (v.provider !== undefined && !providerPreferences.includes(v.provider as ProviderPreference)) {
    throw new UsageError(`option --provider must be one of ${providerPreferences.join(', ')}, got '${v.provider}'`);
  }
  const inpaintArea = v['inpaint-area'];
  if (inpaintArea !== undefined && inpaintArea !== 'whole' && inpaintArea !== 'masked') {
    throw new UsageError(`option --inpaint-area must be whole or masked, got '${inpaintArea}'`);
  }
  const strength = floatOption('strength', v.strength, limits.strength.above, limits.strength.max, true);
  if (strength !== undefined && v['init-image'] === undefined) {
    throw new UsageError('option --strength needs --init-image');
  }
  if (v.mask !== undefined && v['init-image'] === undefined) throw new UsageError('option --mask needs --init-image');
  for (const option of ['mask-blur', 'keep-decoded', 'inpaint-area', 'inpaint-padding'] as const) {
    if (v[option] !== undefined && v.mask === undefined) throw new UsageError(`option --${option} needs --mask`);
  }
  // The contract's schema has the last word, so that the CLI accepts exactly what HTTP and IPC accept; the checks
  // above only turn text into numbers and keep their option-specific messages.
  const request = checkWithContract(generateRequestSchema, {
    prompt: v.prompt,
    negative: v.negative ?? '',
    seed: v.seed === undefined ? undefined : seedOption(v.seed).toString(),
    steps: intOption('steps', v.steps, limits.steps.min, limits.steps.max),
    guidance: floatOption('guidance', v.guidance, limits.guidance.min, limits.guidance.max),
    scheduler: v.scheduler,
    width: dimensionOption('width', v.width),
    height: dimensionOption('height', v.height),
    batch: intOption('batch', v.batch, limits.batch.min, limits.batch.max),
    strength,
    maskBlur: intOption('mask-blur', v['mask-blur'], limits.maskBlur.min, limits.maskBlur.max),
    keepDecoded: v['keep-decoded'],
    inpaintArea,
    inpaintPadding: intOption(
      'inpaint-padding',
      v['inpaint-padding'],
      limits.inpaintPadding.min,
      limits.inpaintPadding.max,
    ),
  });
  const seed = request.seed ?? randomSeed();

  const dataDir = resolveDataDir(v.data);
  const modelDir = resolveModelArg(v.model, dataDir);
  // The data directory's settings apply where an option does not say otherwise.
  const stored = storedSettings(dataDir);
  const initImage = v['init-image'] === undefined ? undefined : readPng(v['init-image'], 'init image');
  const mask = v.mask === undefined ? undefined : readPng(v.mask, 'mask');
  if (initImage && mask && (mask.width !== initImage.width || mask.height !== initImage.height)) {
    throw new Error(
      `${v.mask}: the mask is ${mask.width}×${mask.height}, the init image ${initImage.width}×${initImage.height}`,
    );
  }
  const params: GenerateParams = {
    prompt: request.prompt,
    negative: request.negative,
    seed,
    steps: request.steps,
    guidance: request.guidance,
    scheduler: request.scheduler ?? stored.defaultScheduler ?? undefined,
    width: request.width,
    height: request.height,
    batch: request.batch,
    strength: request.strength,
    initImage,
    mask,
    maskBlur: request.maskBlur,
    keepDecoded: request.keepDecoded,
    inpaintArea: request.inpaintArea,
    inpaintPadding: request.inpaintPadding,
    concepts: readConceptArgs(v.concept),
    loras: await readLoraArgs(v.lora, request.prompt, dataDir),
  };
  if (v.seed === undefined) io.error(`seed: ${seed}`);

  const engine = createEngine({
    providers: (v.provider as ProviderPreference | undefined) ?? stored.providers,
    threads: stored.threads || undefined,
    // Optimised copies for GPU providers and Automatic's measurements are kept for the next run.
    cacheDir: path.join(dataDir, 'cache'),
    log: io.error,
  });
  const progress = stepReporter((t) => process.stderr.write(t), process.stderr.isTTY === true, 'generate');
  try {
    const result = await engine.generate(modelDir, params, { onStep: (s) => progress.step(s) });
    // The gallery keeps its own copy (and the row that points at it); --out writes another where asked.
    let saved: SavedImage[] = [];
    if (v.save)
      saved = await withGallery(dataDir, (gallery) =>
        gallery.save({ ...result, initImage: params.initImage, mask: params.mask }),
      );
    const galleryFiles = saved.map((s) => path.join(dataDir, ...s.path.split('/')));
    const outputs = v.out === undefined ? galleryFiles : outputPaths(v.out, result.images.length);
    result.images.forEach((image, i) => {
      const settings = { ...result.settings, seed: image.seed };
      if (v.out !== undefined) writeFileAtomic(outputs[i], encodePngWithMetadata(image, settings, image.index));
      if (v.json) {
        io.out(
          JSON.stringify({
            ...(v.save ? { id: saved[i].id } : {}),
            path: outputs[i],
            seed: String(image.seed),
            index: image.index,
            settings: { ...result.settings, seed: String(result.settings.seed) },
            provider: result.provider,
            timings: result.timings,
          }),
        );
      } else {
        io.out(outputs[i]);
      }
    });
    return 0;
  } finally {
    await engine.dispose();
  }
}

function dimensionOption(name: string, raw: string | undefined): number | undefined {
  const { min, max, multiple } = limits.side;
  const value = intOption(name, raw, min, max);
  if (value !== undefined && value % multiple !== 0)
    throw new UsageError(`option --${name} must be a multiple of ${multiple}, got ${value}`);
  return value;
}

function seedOption(raw: string): bigint {
  if (!/^\d{1,20}$/.test(raw) || BigInt(raw) > limits.seed.max) {
    throw new UsageError(`option --seed must be a whole number from 0 to 2^64-1, got '${raw}'`);
  }
  return BigInt(raw);
}

function readPng(file: string, what: string) {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${file}: cannot read the ${what} (${reason})`, { cause: error });
  }
  try {
    const image = decodePngRgb(bytes);
    return { width: image.width, height: image.height, data: image.rgb };
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** One image: FILE.png; a batch: FILE-0.png … FILE-(N-1).png. */
export function outputPaths(out: string, count: number): string[] {
  const resolved = path.resolve(out);
  if (count === 1) return [resolved];
  const ext = path.extname(resolved) || '.png';
  const stem = resolved.slice(0, resolved.length - path.extname(resolved).length);
  return Array.from({ length: count }, (_, i) => `${stem}-${i}${ext}`);
}
