// Reads a diffusers ONNX model folder (model_index.json + one folder per component) into a plain description.
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ModelFolderError } from './engine-errors';
import { contentHash } from './model-hash';
import { readJsonObject, requireFile, optionalFile } from './model-files';
import { schedulerIdFromClassName } from './schedulers';
import type { SchedulerId } from './schedulers/scheduler';

export { ModelFolderError } from './engine-errors';

export type ModelKind = 'sd1' | 'sd2';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';
type Json = Record<string, unknown>;

export interface ModelFiles {
  modelIndex: string;
  schedulerConfig: string;
  tokenizer: { vocab: string; merges: string; tokenizerConfig: string | null; specialTokensMap: string | null };
  textEncoder: string;
  unet: string;
  vaeDecoder: string;
  /** Absent in txt2img-only exports; img2img is then refused. */
  vaeEncoder: string | null;
}

export interface ModelDescription {
  name: string;
  dir: string;
  kind: ModelKind;
  files: ModelFiles;
  schedulerConfig: Json;
  schedulerClass: string;
  defaultScheduler: SchedulerId;
  predictionType: PredictionType;
  /** Channels of the VAE's latents (4 for SD): what the scheduler and the decoder work on. */
  latentChannels: number;
  /** Channels the UNet's config says its `sample` takes: 4, or 9 for an inpainting UNet (latents ‖ mask ‖ masked-image
   * latents); without a config, 9 when model_index.json names an inpainting pipeline (diffusers' ONNX exports write
   * no unet/config.json). The graph's own declaration wins when it fixes the axis (pipeline.ts). */
  unetInChannels: number;
  /** Pixels per latent cell: 2^(VAE blocks − 1). */
  vaeScaleFactor: number;
  /** Latents are divided by this before decoding (and multiplied after encoding). */
  vaeScalingFactor: number;
  nativeSize: number;
  /** The text encoder's hidden size (768 SD 1.x, 1024 SD 2.x): a concept's vectors must be this wide. */
  textWidth: number;
  /** Width and height must be multiples of this: each UNet downsampling halves the latents, and an exported graph
   * upsamples by exactly 2 (diffusers' PyTorch UNet can interpolate odd sizes; its ONNX exports cannot). */
  sizeMultiple: number;
  padToken: string;
  /** 10 hex digits, like A1111's "Model hash"; see model-hash.ts for what it covers. */
  hash: string;
}

export async function readModelFolder(dirPath: string): Promise<ModelDescription> {
  const dir = resolve(dirPath);
  const info = await stat(dir).catch(() => null);
  if (!info) throw new ModelFolderError(dir, 'no such folder');
  if (!info.isDirectory()) throw new ModelFolderError(dir, 'not a folder');
  const modelIndexPath = join(dir, 'model_index.json');
  if (!(await optionalFile(modelIndexPath))) {
    throw new ModelFolderError(dir, 'not a diffusers model folder (no model_index.json)');
  }

  // 1. The files every pipeline needs, and the optional ones.
  const files: ModelFiles = {
    modelIndex: modelIndexPath,
    schedulerConfig: await requireFile(join(dir, 'scheduler', 'scheduler_config.json')),
    tokenizer: {
      vocab: await requireFile(join(dir, 'tokenizer', 'vocab.json')),
      merges: await requireFile(join(dir, 'tokenizer', 'merges.txt')),
      tokenizerConfig: await optionalFile(join(dir, 'tokenizer', 'tokenizer_config.json')),
      specialTokensMap: await optionalFile(join(dir, 'tokenizer', 'special_tokens_map.json')),
    },
    textEncoder: await requireFile(join(dir, 'text_encoder', 'model.onnx')),
    unet: await requireFile(join(dir, 'unet', 'model.onnx')),
    vaeDecoder: await requireFile(join(dir, 'vae_decoder', 'model.onnx')),
    vaeEncoder: await optionalFile(join(dir, 'vae_encoder', 'model.onnx')),
  };

  // 2. Configs: the scheduler's is required; the per-component ones (optimum writes them) refine the defaults.
  const modelIndex = await readJsonObject(modelIndexPath);
  const schedulerConfig = await readJsonObject(files.schedulerConfig);
  const config = async (folder: string): Promise<Json> => {
    const path = await optionalFile(join(dir, folder, 'config.json'));
    return path ? readJsonObject(path) : {};
  };
  const [textConfig, unetConfig, vaeDecoderConfig, vaeEncoderConfig] = await Promise.all(
    ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'].map(config),
  );
  const vaeConfig = { ...vaeEncoderConfig, ...vaeDecoderConfig };

  // 3. What the pipeline derives from them, with SD 1.x/2.x defaults where a config is silent.
  const schedulerClass =
    typeof schedulerConfig._class_name === 'string' ? schedulerConfig._class_name : 'PNDMScheduler';
  const predictionType = parsePrediction(schedulerConfig.prediction_type, files.schedulerConfig);
  const blocks = Array.isArray(vaeConfig.block_out_channels) ? vaeConfig.block_out_channels.length : 4;
  const vaeScaleFactor = 2 ** (blocks - 1);
  const textWidth = numberOr(textConfig.hidden_size, numberOr(unetConfig.cross_attention_dim, 0));
  // OpenCLIP ViT-H (1024 wide) is SD 2.x, CLIP ViT-L (768) SD 1.x; for other widths v-prediction suggests 2.x.
  const kind: ModelKind =
    textWidth === 1024 || (textWidth !== 768 && predictionType === 'v_prediction') ? 'sd2' : 'sd1';
  const unetBlocks = Array.isArray(unetConfig.block_out_channels) ? unetConfig.block_out_channels.length : 4;
  const sampleSize = numberOr(unetConfig.sample_size, 0);
  // An inpainting UNet takes more channels than it predicts: its out_channels are the latents'.
  const latentChannels = numberOr(
    vaeConfig.latent_channels,
    numberOr(unetConfig.out_channels, numberOr(unetConfig.in_channels, 4)),
  );
  const nativeSize =
    sampleSize > 0 ? sampleSize * vaeScaleFactor : kind === 'sd2' && predictionType === 'v_prediction' ? 768 : 512;

  return {
    name: basename(dir),
    dir,
    kind,
    files,
    schedulerConfig,
    schedulerClass,
    // A class this engine lacks (LMS, Heun, …) gets PNDM, diffusers' own default for SD 1.x; the config still applies.
    defaultScheduler: schedulerIdFromClassName(schedulerClass, schedulerConfig) ?? 'pndm',
    predictionType,
    latentChannels,
    unetInChannels: numberOr(unetConfig.in_channels, inpaintIndex(modelIndex) ? 9 : latentChannels),
    vaeScaleFactor,
    vaeScalingFactor: numberOr(vaeConfig.scaling_factor, 0.18215),
    nativeSize,
    textWidth,
    sizeMultiple: vaeScaleFactor * 2 ** (unetBlocks - 1),
    padToken: await padToken(files),
    hash: await contentHash(dir, files),
  };
}

/** model_index.json of an inpainting checkpoint: (Onnx)StableDiffusionInpaintPipeline and the like. */
function inpaintIndex(modelIndex: Json): boolean {
  return typeof modelIndex._class_name === 'string' && /Inpaint/.test(modelIndex._class_name);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function parsePrediction(value: unknown, file: string): PredictionType {
  if (value === undefined) return 'epsilon';
  if (value === 'epsilon' || value === 'v_prediction' || value === 'sample') return value;
  throw new ModelFolderError(file, `unsupported prediction_type ${JSON.stringify(value)}`);
}

/** special_tokens_map.json wins over tokenizer_config.json, as in transformers; CLIP's default is <|endoftext|>. */
async function padToken(files: ModelFiles): Promise<string> {
  for (const path of [files.tokenizer.specialTokensMap, files.tokenizer.tokenizerConfig]) {
    if (!path) continue;
    const pad = (await readJsonObject(path)).pad_token;
    if (typeof pad === 'string') return pad;
    if (pad && typeof pad === 'object' && typeof (pad as Json).content === 'string')
      return (pad as Json).content as string;
  }
  return '<|endoftext|>';
}
