// Stable Diffusion sampling (Rombach et al. 2022) in diffusers' order of operations:
// 1 encode text → 2 timesteps → 3 initial latents → 4 sample → 5 decode. Inpainting takes one of two routes, by the
// UNet's input channels: a plain 4-channel UNet does masked img2img (masked-latents.ts), hooking into 3 (the mask),
// 4 (the kept region after each step) and 5 (paste back); a 9-channel inpainting UNet follows diffusers'
// StableDiffusionInpaintPipeline (inpaint-conditioning.ts): 3 also encodes the masked image, 4 feeds mask and masked
// latents to every UNet call, 5 pastes back the same way (keepDecoded with mask blur 0 leaves diffusers' output).
// "Only masked" (inpaint-crop.ts) runs either route on the mask's surroundings scaled to the generation size.
import type { TextEncoder } from './adapters/text-encoder';
import type { UNet } from './adapters/unet';
import type { VaeDecoder } from './adapters/vae-decoder';
import type { VaeEncoder } from './adapters/vae-encoder';
import { createDenoiser, usesGuidance } from './denoiser';
import { GenerationAbortedError, ModelFolderError } from './engine-errors';
import type { GeneratedImage, GenerateOptions, InitImage, PreviewImage, ResolvedSettings } from './engine-types';
import { tensorToRgb } from './image-tensor';
import { encodeImage, imageLatents, inpaintStartLatents, noiseLatents } from './initial-latents';
import {
  binaryMask,
  conditioningChannels,
  INPAINT_UNET_CHANNELS,
  maskedImageTensor,
  nearestLatentMask,
} from './inpaint-conditioning';
import { cropAndResize, cropRegion, pasteCrop, type CropRegion } from './inpaint-crop';
import {
  blurredMask,
  keepUnmasked,
  latentMask,
  maskGrey,
  pasteBack,
  type LatentInpaint,
  type MaskImage,
} from './masked-latents';
import type { ModelDescription } from './model-folder';
import { latentPreview } from './preview';
import { toBytes } from './resample';
import { chunkPrompt, emptyChunk, encodeChunks } from './prompt/encode-prompt';
import { alphasCumprodFor, createScheduler, type Scheduler } from './schedulers';
import { createStepPreviewer, type PreviewResources, type StepState } from './step-preview';
import type { ClipTokenizer } from './tokenizer/clip-tokenizer';
import { TorchGenerator } from './rng/torch-generator';

export interface PipelineModel {
  description: ModelDescription;
  tokenizer: ClipTokenizer;
  textEncoder: TextEncoder;
  unet: UNet;
  vaeDecoder: VaeDecoder;
  /** Opened on first use: txt2img never needs it. */
  vaeEncoder: () => Promise<VaeEncoder>;
}

export interface PipelineOutput {
  images: GeneratedImage[];
  /** Things the user should know about this job's result (e.g. a prompt truncated). */
  warnings: string[];
  timings: { textEncodeMs: number; imageEncodeMs: number; denoiseMs: number; decodeMs: number };
}

export async function runPipeline(
  model: PipelineModel,
  settings: ResolvedSettings,
  initImage: InitImage | undefined,
  { onStep, signal, previewEvery = 0, previewDecode = 'auto' }: GenerateOptions = {},
  previews?: PreviewResources,
  mask?: MaskImage,
): Promise<PipelineOutput> {
  const stopIfCancelled = (stepsDone: number) => {
    if (signal?.aborted) throw new GenerationAbortedError(stepsDone);
  };
  stopIfCancelled(0);
  // One generator per job: every random draw below comes from it, in diffusers' order (engine-semantics.md).
  const generator = new TorchGenerator(settings.seed);
  const clock = stopwatch();

  const { context, warnings } = await encodePrompts(model, settings); // 1
  const textEncodeMs = clock.lap();
  const { scheduler, timesteps } = timestepsFor(model.description, settings); // 2
  const area = inpaintArea(settings, initImage, mask);
  const inpaintUNet = unetInputChannels(model) === INPAINT_UNET_CHANNELS;
  const {
    latents: start,
    keep,
    conditioning,
  } = await prepareLatents(
    model,
    settings,
    { image: area?.image ?? initImage, pixels: area?.pixels, inpaintUNet },
    { generator, scheduler, timesteps },
  ); // 3
  const imageEncodeMs = clock.lap();
  const preview =
    onStep && previewEvery > 0 && previews
      ? createStepPreviewer({
          resources: previews,
          model: { ...model.description, hash: settings.model.hash },
          decoder: model.vaeDecoder,
          encoder: model.description.files.vaeEncoder ? model.vaeEncoder : undefined,
          alphasCumprod: alphasCumprodFor(settings.scheduler, model.description.schedulerConfig),
          latentDims: latentShape(model, settings),
          previewEvery,
          total: timesteps.length,
          mode: previewDecode,
        })
      : undefined;
  const afterStep = keep
    ? (latents: Float32Array, i: number) => keepUnmasked(latents, i, timesteps, scheduler, keep)
    : undefined;
  const loop = {
    scheduler,
    timesteps,
    generator,
    clock,
    onStep,
    previewEvery,
    preview,
    stopIfCancelled,
    afterStep,
    conditioning,
  };
  const latents = await denoiseLoop(model, settings, context, start, loop); // 4
  const denoiseMs = clock.lap();
  stopIfCancelled(timesteps.length);
  const decoded = await decode(model, settings, latents); // 5
  const crop = area?.crop;
  const images = crop
    ? decoded.map((image) => ({
        ...image,
        // The init image's size, whatever the generation size ("only masked" scales the crop back).
        width: crop.full.width,
        height: crop.full.height,
        rgb: pasteCrop(crop.full, image, crop.region, crop.pixels, settings.mask?.keepDecoded ?? false),
      }))
    : area && initImage && !settings.mask?.keepDecoded
      ? decoded.map((image) => ({ ...image, rgb: pasteBack(initImage, image.rgb, area.pixels) }))
      : decoded;
  return { images, warnings, timings: { textEncodeMs, imageEncodeMs, denoiseMs, decodeMs: clock.lap() } };
}

/**
 * The channels the UNet's `sample` takes: the graph's declaration when it fixes them, else the config's
 * (diffusers' exporter leaves the axis dynamic).
 */
export function unetInputChannels({ unet, description }: Pick<PipelineModel, 'unet' | 'description'>): number {
  return unet.inChannels ?? description.unetInChannels;
}

/** The shape of a job's latents: [batch, C, H/f, W/f]. */
function latentShape({ description }: PipelineModel, { batch, width, height }: ResolvedSettings): number[] {
  const f = description.vaeScaleFactor;
  return [batch, description.latentChannels, height / f, width / f];
}

/**
 * 1. Encode text: [negative × batch, prompt × batch] with guidance, [prompt × batch] without. Prompts use A1111's
 * weighting and 75-token chunks (prompt/encode-prompt.ts); the shorter of the pair gets empty chunks.
 */
async function encodePrompts(model: PipelineModel, settings: ResolvedSettings) {
  const guided = usesGuidance(settings.guidance, model.unet);
  const texts = guided ? [settings.negative, settings.prompt] : [settings.prompt];
  const truncate = model.unet.fixedSequenceLength !== null;
  const prompts = texts.map((text) => chunkPrompt(model.tokenizer, text, { truncate }));
  const names = guided ? ['negative prompt', 'prompt'] : ['prompt'];
  const warnings = prompts.flatMap(({ dropped }, i) =>
    dropped > 0
      ? [
          `this model's UNet takes exactly ${model.unet.fixedSequenceLength} token positions: the ${names[i]} ` +
            `was cut to its first ${model.tokenizer.maxLength - 2} tokens (${dropped} left out)`,
        ]
      : [],
  );
  const count = Math.max(...prompts.map((p) => p.chunks.length));
  const rows: Float32Array[] = [];
  let rowDims: number[] = [];
  for (const { chunks } of prompts) {
    const padded = [...chunks, ...Array.from({ length: count - chunks.length }, () => emptyChunk(model.tokenizer))];
    const { data, dims } = await encodeChunks(model.textEncoder, padded);
    rows.push(data);
    rowDims = dims.slice(1);
  }
  return { context: repeatRows(rows, rowDims, settings.batch), warnings };
}

/** 2. Timesteps; img2img keeps the last floor(steps·strength) of them (diffusers' get_timesteps). */
function timestepsFor(description: ModelDescription, { scheduler: id, steps, strength }: ResolvedSettings) {
  const scheduler = schedulerFor(id, description);
  scheduler.setTimesteps(steps);
  let timesteps = scheduler.timesteps;
  if (strength !== null) {
    const init = Math.min(Math.floor(steps * strength), steps);
    const begin = Math.max(steps - init, 0) * scheduler.order;
    timesteps = timesteps.slice(begin);
    scheduler.setBeginIndex?.(begin);
  }
  return { scheduler, timesteps };
}

/**
 * The image and blurred mask (m ∈ [0, 1] per pixel) that steps 3–5 work on: the job's own, or for "only masked"
 * their crop around the mask scaled to the generation size, with what pasting it back needs.
 */
function inpaintArea(settings: ResolvedSettings, initImage: InitImage | undefined, mask: MaskImage | undefined) {
  if (!initImage || !mask || !settings.mask) return undefined;
  const size = { width: initImage.width, height: initImage.height };
  const fullPixels = blurredMask(maskGrey(mask), size.width, size.height, settings.mask.blur);
  const region: CropRegion | null =
    settings.mask.inpaintArea === 'masked'
      ? cropRegion(fullPixels, size, settings.mask.inpaintPadding ?? 0, settings)
      : null;
  if (!region) return { pixels: fullPixels };
  const { width, height } = settings;
  const image = { width, height, data: toBytes(cropAndResize(initImage.data, size, region, width, height)) };
  const pixels = cropAndResize(fullPixels, size, region, width, height);
  return { image, pixels, crop: { region, full: initImage, pixels: fullPixels } };
}

/**
 * 3. Initial latents: scaled noise (txt2img), or the encoded image noised to the first timestep (img2img); with a
 * mask, a plain UNet also gets the latent-sized keep/repaint mask and the init latents to keep, an inpainting UNet
 * its conditioning channels (with its own start: pure noise at strength 1).
 */
async function prepareLatents(
  model: PipelineModel,
  settings: ResolvedSettings,
  { image, pixels, inpaintUNet }: { image?: InitImage; pixels?: Float32Array; inpaintUNet: boolean },
  { generator, scheduler, timesteps }: { generator: TorchGenerator; scheduler: Scheduler; timesteps: number[] },
): Promise<{ latents: Float32Array; keep?: LatentInpaint; conditioning?: Float32Array }> {
  const latentSize = latentShape(model, settings).reduce((a, b) => a * b, 1);
  if (!image) return { latents: noiseLatents(generator, latentSize, scheduler.initNoiseSigma) };
  const { width, height, batch } = settings;
  const f = model.description.vaeScaleFactor;
  const scalingFactor = model.description.vaeScalingFactor;
  const encoder = await model.vaeEncoder();
  const input = { encoder, image, generator, scheduler, firstTimestep: timesteps[0], batch, scalingFactor };
  if (inpaintUNet && pixels) {
    const latents = await inpaintStartLatents({ ...input, strength: settings.strength ?? 1, latentSize });
    const binary = binaryMask(pixels);
    const dims = [1, 3, height, width];
    const masked = await encodeImage(encoder, maskedImageTensor(image, binary), dims, generator, scalingFactor);
    return { latents, conditioning: conditioningChannels(nearestLatentMask(binary, width, height, f), masked) };
  }
  const { latents, initLatents, noise } = await imageLatents(input);
  if (!pixels) return { latents };
  return { latents, keep: { initLatents, noise, mask: latentMask(pixels, width, height, f) } };
}

interface DenoiseLoop {
  scheduler: Scheduler;
  timesteps: number[];
  generator: TorchGenerator;
  clock: ReturnType<typeof stopwatch>;
  onStep: GenerateOptions['onStep'];
  previewEvery: number;
  /** The step preview (step-preview.ts); without one, previews come from the fixed SD 1.x projection. */
  preview?: (state: StepState) => Promise<PreviewImage>;
  stopIfCancelled: (stepsDone: number) => void;
  /** Runs after each scheduler step (inpainting puts the kept region back). */
  afterStep?: (latents: Float32Array, index: number) => Float32Array;
  /** An inpainting UNet's mask and masked-image latents, fed with every call. */
  conditioning?: Float32Array;
}

/** 4. Sample: one (guided) model evaluation and one scheduler step per timestep. */
async function denoiseLoop(
  model: PipelineModel,
  settings: ResolvedSettings,
  context: { data: Float32Array; dims: number[] },
  initialLatents: Float32Array,
  loop: DenoiseLoop,
): Promise<Float32Array> {
  const { scheduler, timesteps, generator, clock, onStep, previewEvery, preview, stopIfCancelled, afterStep } = loop;
  const latentDims = latentShape(model, settings);
  const denoise = createDenoiser({
    conditioning: loop.conditioning,
    unet: model.unet,
    context: context.data,
    contextDims: context.dims,
    guidance: settings.guidance,
    batch: settings.batch,
    latentDims,
  });
  let latents = initialLatents;
  const total = timesteps.length;
  for (let i = 0; i < total; i++) {
    stopIfCancelled(i);
    const t = timesteps[i];
    const modelInput = scheduler.scaleModelInput(latents, t);
    const prediction = await denoise(modelInput, t);
    latents = scheduler.step(prediction, t, latents, generator);
    if (afterStep) latents = afterStep(latents, i);
    if (onStep) {
      const step = i + 1;
      const withPreview = previewEvery > 0 && (step % previewEvery === 0 || step === total);
      const image = withPreview
        ? await (preview?.({ step, elapsedMs: clock.peek(), timestep: t, modelInput, modelOutput: prediction }) ??
            latentPreview(latents, latentDims))
        : undefined;
      const elapsedMs = clock.peek();
      onStep({
        step,
        total,
        elapsedMs,
        etaMs: (elapsedMs / step) * (total - step),
        ...(image ? { latents: { data: latents.slice(), dims: [...latentDims] }, preview: image } : {}),
      });
    }
  }
  return latents;
}

/** 5. Decode each image: latents / scaling_factor → VAE → clamp(x/2 + 0.5) → round(x·255). */
async function decode(
  model: PipelineModel,
  settings: ResolvedSettings,
  latents: Float32Array,
): Promise<GeneratedImage[]> {
  const { batch, seed } = settings;
  const latentDims = latentShape(model, settings);
  const images: GeneratedImage[] = [];
  const one = latents.length / batch;
  const scaling = Math.fround(model.description.vaeScalingFactor);
  for (let b = 0; b < batch; b++) {
    const scaled = new Float32Array(one);
    for (let i = 0; i < one; i++) scaled[i] = Math.fround(latents[b * one + i] / scaling);
    const decoded = await model.vaeDecoder.decode(scaled, [1, ...latentDims.slice(1)]);
    const [, , height, width] = decoded.dims;
    images.push({ rgb: tensorToRgb(decoded.data, 0, width, height), width, height, seed, index: b });
  }
  return images;
}

/** The scheduler from the model's config; a config value it rejects is the model folder's problem. */
function schedulerFor(id: ResolvedSettings['scheduler'], description: ModelDescription) {
  try {
    return createScheduler(id, description.schedulerConfig);
  } catch (error) {
    throw new ModelFolderError(description.files.schedulerConfig, (error as Error).message);
  }
}

/** Each distinct text is encoded once (batch 1, as diffusers does) and its embedding repeated per image. */
function repeatRows(rows: Float32Array[], rowDims: number[], batch: number) {
  const rowSize = rows[0].length;
  const data = new Float32Array(rowSize * rows.length * batch);
  rows.forEach((row, r) => {
    for (let b = 0; b < batch; b++) data.set(row, (r * batch + b) * rowSize);
  });
  return { data, dims: [rows.length * batch, ...rowDims] };
}

function stopwatch() {
  let mark = performance.now();
  return {
    peek: () => performance.now() - mark,
    lap: () => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    },
  };
}
