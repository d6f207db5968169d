// `studio models import FILE`: a single-file Stable Diffusion checkpoint → a diffusers ONNX folder, offline and in
// TypeScript. Design (a) of the issue: the graphs are built from the architecture's config by graph builders
// (graphs/), not exported templates, so any SD 1.x/2.x width, depth or head count imports, the weights keep
// diffusers' names (LoRA and concept edits find them), and fp16 or fused variants are a builder option. Measured:
// the built graphs agree with torch's exports of diffusers' own modules to ≤ 1e-6 relative (graphs-vs-export.test.ts)
// and the imports give diffusers' images (import-checkpoint.golden.test.ts). Weights stream from the checkpoint
// into each component's external-data file one tensor at a time (peak RSS 344 MB on a 2.1 GB checkpoint).
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkModelFolder } from '../../engine';
import { encodeModel, type OnnxModel, type OnnxTensor } from '../../formats/onnx';
import { configProblem, type PipelineConfig } from './architecture-config';
import { openCheckpoint } from './checkpoint-reader';
import { writeInlineModel } from './inline-model-writer';
import { refuse } from './checkpoint-errors';
import { applyConfig } from './config-source';
import { planConversion, type ConversionPlan } from './conversion-plan';
import { detectArchitecture } from './detect-architecture';
import { buildTextEncoderGraph } from './graphs/text-encoder-graph';
import { buildUnetGraph } from './graphs/unet-graph';
import { buildVaeDecoderGraph, buildVaeEncoderGraph } from './graphs/vae-graphs';
import { copyTokenizer, findTokenizer, MODEL_INDEX, schedulerConfig, writeJson } from './pipeline-files';
import { writeWeights, type Precision } from './weight-writer';

export interface ImportProgress {
  stage: 'reading' | 'unet' | 'text_encoder' | 'vae_encoder' | 'vae_decoder' | 'checking';
  /** Bytes of weights written so far, of `totalBytes`. */
  doneBytes: number;
  totalBytes: number;
}

export interface CheckpointImportOptions {
  file: string;
  /** The folder to create (must not exist). */
  outDir: string;
  /** A diffusers config folder or an LDM .yaml, for what the shapes cannot tell. */
  config?: string;
  precision?: Precision;
  /** Folders to copy the tokenizer from, in order of preference (the first of the right vocabulary size wins). */
  tokenizerCandidates: string[];
  onProgress?: (progress: ImportProgress) => void;
}

export interface CheckpointImportResult {
  folder: string;
  family: PipelineConfig['family'];
  inpainting: boolean;
  predictionType: PipelineConfig['predictionType'];
  precision: Precision;
  /** Checkpoint tensors the pipeline does not use (EMA copies, position ids…). */
  ignored: string[];
  tokenizerFrom: string;
}

/** Kept beside the text encoder's nodes, where concept injection looks for it (see inline-model-writer.ts). */
const TOKEN_TABLE = new Set(['text_model.embeddings.token_embedding.weight']);

const VAE_PARTS = {
  vae_encoder: (name: string) => name.startsWith('encoder.') || name.startsWith('quant_conv.'),
  vae_decoder: (name: string) => name.startsWith('decoder.') || name.startsWith('post_quant_conv.'),
};

export async function importCheckpoint(options: CheckpointImportOptions): Promise<CheckpointImportResult> {
  const precision = options.precision ?? 'fp32';
  if (existsSync(options.outDir)) refuse('bad_config', `${options.outDir} already exists`);
  const reader = await openCheckpoint(options.file);
  // A dot folder beside the target while it is written, so a library scan never lists a half-written model.
  const partial = path.join(path.dirname(options.outDir), `.${path.basename(options.outDir)}.partial`);
  try {
    options.onProgress?.({ stage: 'reading', doneBytes: 0, totalBytes: 0 });
    const detected = detectArchitecture(reader.tensors, options.file);
    const config = options.config ? await applyConfig(detected.config, options.config) : detected.config;
    const problem = configProblem(config);
    if (problem)
      refuse('bad_config', `${options.file}: ${problem}; name the model's config with --config (a diffusers folder or the LDM .yaml)`);
    const plan = planConversion(reader.tensors, config, detected.vaePrefix, options.file);
    const configTokenizer = options.config ? [path.join(options.config, 'tokenizer')] : [];
    const candidates = [...configTokenizer, ...options.tokenizerCandidates];
    const tokenizerFrom = await findTokenizer(candidates, config.textEncoder.vocab_size);

    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    const fromConfig = tokenizerFrom !== null && configTokenizer.includes(tokenizerFrom);
    await copyTokenizer(tokenizerFrom, path.join(partial, 'tokenizer'), config, candidates, fromConfig);
    const totalBytes = totalWeightBytes(plan, precision);
    let doneBytes = 0;
    const graph = async (
      stage: 'unet' | 'text_encoder' | 'vae_encoder' | 'vae_decoder',
      entries: ConversionPlan['components']['unet'],
      build: (weights: Map<string, OnnxTensor>) => OnnxModel,
      componentConfig: object,
    ) => {
      const folder = path.join(partial, stage);
      await mkdir(folder, { recursive: true });
      const weights = await writeWeights(reader, entries, folder, precision, (bytes) => {
        doneBytes += bytes;
        options.onProgress?.({ stage, doneBytes, totalBytes });
      });
      const model = build(weights);
      if (stage === 'text_encoder') await writeInlineModel(path.join(folder, 'model.onnx'), model, TOKEN_TABLE);
      else await writeFile(path.join(folder, 'model.onnx'), encodeModel(model));
      await writeJson(path.join(folder, 'config.json'), componentConfig);
    };
    const { unet, vae, text_encoder: text } = plan.components;
    await graph('text_encoder', text, (w) => buildTextEncoderGraph(config.textEncoder, w), textConfig(config));
    await graph('unet', unet, (w) => buildUnetGraph(config.unet, w), unetConfig(config));
    for (const part of ['vae_encoder', 'vae_decoder'] as const) {
      const build = part === 'vae_encoder' ? buildVaeEncoderGraph : buildVaeDecoderGraph;
      const entries = vae.filter((p) => VAE_PARTS[part](p.target));
      await graph(part, entries, (w) => build(config.vae, w), vaeConfig(config));
    }
    const scheduler = schedulerConfig(config);
    await writeJson(path.join(partial, 'scheduler', 'scheduler_config.json'), scheduler);
    await writeJson(path.join(partial, 'model_index.json'), {
      ...MODEL_INDEX,
      scheduler: ['diffusers', scheduler._class_name],
    });

    options.onProgress?.({ stage: 'checking', doneBytes, totalBytes });
    const report = await checkModelFolder(partial);
    if (report.problems.length)
      throw new Error(
        `the imported folder does not pass the model check: ${report.problems.map((p) => `${p.file}: ${p.problem}`).join('; ')}`,
      );
    await rename(partial, options.outDir);
    return {
      folder: options.outDir,
      family: config.family,
      inpainting: detected.inpainting,
      predictionType: config.predictionType,
      precision,
      ignored: plan.ignored,
      tokenizerFrom: tokenizerFrom!,
    };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await reader.close();
  }
}

function totalWeightBytes(plan: ConversionPlan, precision: Precision): number {
  const size = precision === 'fp16' ? 2 : 4;
  const all = [...plan.components.unet, ...plan.components.vae, ...plan.components.text_encoder];
  return all.reduce((sum, p) => sum + p.dims.reduce((a, b) => a * b, 1) * size, 0);
}

const unetConfig = (c: PipelineConfig) => ({
  _class_name: 'UNet2DConditionModel',
  ...c.unet,
  mid_block_type: 'UNetMidBlock2DCrossAttn',
  act_fn: 'silu',
  flip_sin_to_cos: true,
  freq_shift: 0,
});
const vaeConfig = (c: PipelineConfig) => ({
  _class_name: 'AutoencoderKL',
  ...c.vae,
  down_block_types: c.vae.block_out_channels.map(() => 'DownEncoderBlock2D'),
  up_block_types: c.vae.block_out_channels.map(() => 'UpDecoderBlock2D'),
  act_fn: 'silu',
});
const textConfig = (c: PipelineConfig) => ({
  architectures: ['CLIPTextModel'],
  model_type: 'clip_text_model',
  ...c.textEncoder,
});
