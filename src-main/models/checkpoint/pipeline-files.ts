// The small files of an imported diffusers ONNX folder besides the graphs: model_index.json, the scheduler config of
// the family's reference pipeline, each component's config.json, and the tokenizer copied from a folder that has
// one of the right vocabulary size (the CLIP BPE files are never shipped with the studio).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PipelineConfig } from './architecture-config';
import { refuse } from './checkpoint-errors';

const TOKENIZER_FILES = ['vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json'];
const BASE_SCHEDULER = {
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

/** stable-diffusion-v1-5 and -2-base: PNDM, ε; stable-diffusion-2-1 (768-v): DDIM, v-prediction. */
export function schedulerConfig(config: PipelineConfig): Record<string, unknown> {
  return config.predictionType === 'v_prediction'
    ? { _class_name: 'DDIMScheduler', ...BASE_SCHEDULER, prediction_type: 'v_prediction' }
    : { _class_name: 'PNDMScheduler', ...BASE_SCHEDULER, prediction_type: 'epsilon' };
}

export const MODEL_INDEX = {
  _class_name: 'OnnxStableDiffusionPipeline',
  feature_extractor: [null, null],
  requires_safety_checker: false,
  safety_checker: [null, null],
  scheduler: ['diffusers', 'PNDMScheduler'],
  text_encoder: ['diffusers', 'OnnxRuntimeModel'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'OnnxRuntimeModel'],
  vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
  vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
};

export async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The first candidate folder with a tokenizer whose vocabulary has `vocabSize` entries. */
export async function findTokenizer(candidates: string[], vocabSize: number): Promise<string | null> {
  for (const folder of candidates) {
    const vocab = path.join(folder, 'vocab.json');
    if (!existsSync(vocab) || !existsSync(path.join(folder, 'merges.txt'))) continue;
    try {
      const entries = Object.keys(JSON.parse(await readFile(vocab, 'utf8')) as object).length;
      if (entries === vocabSize) return folder;
    } catch {
      // not a usable tokenizer: try the next
    }
  }
  return null;
}

/**
 * Copies the tokenizer. SD 2.x pads with "!" (id 0) where SD 1.x pads with <|endoftext|>, on the same vocabulary,
 * so the pad token follows the family unless the tokenizer is the --config folder's own (`keepPad`).
 */
export async function copyTokenizer(
  from: string | null,
  to: string,
  config: PipelineConfig,
  tried: string[],
  keepPad: boolean,
) {
  if (!from)
    return refuse(
      'no_tokenizer',
      `no CLIP tokenizer with ${config.textEncoder.vocab_size} tokens to copy (looked in ${tried.length ? tried.join(', ') : 'no folder'}); ` +
        'install any diffusers ONNX Stable Diffusion model first, or name a folder with --tokenizer DIR',
    );
  await mkdir(to, { recursive: true });
  for (const name of TOKENIZER_FILES) {
    if (existsSync(path.join(from, name))) await copyFile(path.join(from, name), path.join(to, name));
  }
  if (keepPad) return;
  const pad = config.family === 'sd2' ? '!' : '<|endoftext|>';
  for (const name of ['tokenizer_config.json', 'special_tokens_map.json']) {
    const file = path.join(to, name);
    const json = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>) : {};
    await writeJson(file, { ...json, pad_token: pad });
  }
}
