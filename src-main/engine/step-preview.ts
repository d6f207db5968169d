// Step previews that look like the final image: the predicted x̂₀ decoded by the model's own VAE where that costs
// under 15 % of the job, else through the model's fitted latent → RGB projection (preview-projection.ts).
import type { VaeDecoder } from './adapters/vae-decoder';
import type { EncoderOutput, VaeEncoder } from './adapters/vae-encoder';
import type { PreviewImage } from './engine-types';
import { tensorToRgb } from './image-tensor';
import type { PredictionType } from './model-folder';
import { alphaCumprodAt, predictedOriginal } from './predicted-original';
import { projectPatches } from './patch-projection';
import { latentPreview } from './preview';
import type { ProjectionModel, ProjectionStore } from './preview-projection';

/** 'auto': decode as often as the budget allows; 'always': decode every preview; 'never': project every preview. */
export type PreviewDecode = 'auto' | 'always' | 'never';

/** The share of a job's denoising time the preview decodes may take. */
export const DECODE_BUDGET = 0.15;

/** What previews keep between jobs: fitted projections, and the VAE's measured decode time per model and size. */
export interface PreviewResources {
  projections: ProjectionStore;
  decodeMs: Map<string, number>;
  log: (message: string) => void;
}

/**
 * Decode every k-th step, k the smallest multiple of `previewEvery` with decodeMs / (k·stepMs) < the budget;
 * null when even one decode in `total` steps would be over it.
 */
export function decodeCadence(decodeMs: number, stepMs: number, previewEvery: number, total: number): number | null {
  const fewest = Math.floor(decodeMs / (DECODE_BUDGET * stepMs)) + 1;
  const k = Math.ceil(Math.max(fewest, previewEvery) / previewEvery) * previewEvery;
  return k <= total ? k : null;
}

export interface StepPreviewerInput {
  resources: PreviewResources;
  model: Omit<ProjectionModel, 'decode' | 'encode'> & { dir: string; predictionType: PredictionType };
  decoder: VaeDecoder;
  /** Opens the model's VAE encoder, when it has one: the projection is fitted on encoded pictures. */
  encoder?: () => Promise<VaeEncoder>;
  alphasCumprod: Float32Array;
  /** [batch, C, h, w]: the preview shows batch item 0. */
  latentDims: readonly number[];
  previewEvery: number;
  total: number;
  mode: PreviewDecode;
}

export interface StepState {
  step: number;
  /** Time since denoising began, previews included. */
  elapsedMs: number;
  timestep: number;
  /** The UNet's input and (guided) output at this step. */
  modelInput: Float32Array;
  modelOutput: Float32Array;
}

export function createStepPreviewer(input: StepPreviewerInput): (state: StepState) => Promise<PreviewImage> {
  const { resources, model, decoder, encoder, alphasCumprod, latentDims, previewEvery, total, mode } = input;
  const [, channels, h, w] = latentDims;
  const one = channels * h * w;
  const dims = [1, channels, h, w];
  const sizeKey = `${model.dir}|${w}x${h}`;
  let spentMs = 0;
  let cadence: number | null | undefined;

  async function decode(x0: Float32Array): Promise<PreviewImage> {
    const started = performance.now();
    const scaled = x0.map((v) => v / model.vaeScalingFactor);
    const decoded = await decoder.decode(scaled, dims);
    const [, , height, width] = decoded.dims;
    // The fastest decode seen: the first at a size also pays the runtime's warm-up.
    const ms = performance.now() - started;
    resources.decodeMs.set(sizeKey, Math.min(ms, resources.decodeMs.get(sizeKey) ?? ms));
    return { width, height, rgb: tensorToRgb(decoded.data, 0, width, height), source: 'decode' };
  }

  async function project(x0: Float32Array): Promise<PreviewImage> {
    const projection = await resources.projections.projectionFor({
      ...model,
      decode: (latents, d) => decoder.decode(latents, d),
      encode: encoder && (async (image, d) => meanLatents(await (await encoder()).encode(image, d))),
    });
    return { ...projectPatches(x0, dims, projection), source: 'projection' };
  }

  /** Whether this step's preview is a decode; the first preview in 'auto' measures the decoder if no one has. */
  function decodesAt(step: number, stepMs: number): boolean {
    if (mode !== 'auto') return mode === 'always';
    const decodeMs = resources.decodeMs.get(sizeKey);
    if (decodeMs === undefined) return true;
    if (cadence === undefined) {
      cadence = decodeCadence(decodeMs, stepMs, previewEvery, total);
      resources.log(
        `preview: VAE decode ${decodeMs.toFixed(1)} ms, step ${stepMs.toFixed(1)} ms at ${w}×${h} latents → ` +
          (cadence === null ? 'projection only' : `decode every ${cadence} steps`),
      );
    }
    // Counted back from the last previewed step, so that the preview a person sees last, the one the image becomes,
    // is a decode whenever the budget allows any.
    const lastPreviewed = total - (total % previewEvery);
    return cadence !== null && (lastPreviewed - step) % cadence === 0;
  }

  return async ({ step, elapsedMs, timestep, modelInput, modelOutput }) => {
    const started = performance.now();
    const stepMs = (elapsedMs - spentMs) / step;
    const x0 = predictedOriginal(
      model.predictionType,
      modelInput.subarray(0, one),
      modelOutput.subarray(0, one),
      alphaCumprodAt(alphasCumprod, timestep),
    );
    let image: PreviewImage;
    try {
      image = decodesAt(step, stepMs) ? await decode(x0) : await project(x0);
    } catch (error) {
      // A preview never fails a job.
      resources.log(`preview at step ${step}: ${(error as Error).message}`);
      image = latentPreview(x0, dims);
    }
    spentMs += performance.now() - started;
    return image;
  };
}

/** The posterior's mean: the encoder's sample as is, or the first half of its parameters (mean ‖ log-variance). */
function meanLatents(encoded: EncoderOutput): Float32Array {
  return encoded.kind === 'sample' ? encoded.data : encoded.data.subarray(0, encoded.data.length / 2);
}
