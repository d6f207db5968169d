// Reading a LoRA file: the hardened safetensors reader (refuses overlaps, gaps, bad dtypes, NaN/Inf), then the keys
// grouped into modules; a file with no LoRA module in it, or one made for SDXL, is refused. Errors name the file.
import { readSafetensors } from '../concepts';
import { groupLoraModules, type LoraTensor } from '../engine';
import { StudioError } from '../shared/errors';
import type { LoraInfo } from '../shared/loras';
import { baseModelOf, triggerWordsOf } from './lora-metadata';

export const MAX_LORA_BYTES = 1024 * 1024 * 1024;

export class LoraFileError extends StudioError {
  constructor(message: string) {
    super('invalid_input', message);
    this.name = 'LoraFileError';
  }
}

export interface LoraFile {
  tensors: Map<string, LoraTensor>;
  metadata: Record<string, unknown>;
  summary: Omit<LoraInfo, 'id' | 'name' | 'sourceName' | 'created' | 'bytes'>;
}

export function readLoraFile(bytes: Uint8Array, fileName: string): LoraFile {
  if (!/\.safetensors$/i.test(fileName))
    throw new LoraFileError(`${fileName}: LoRAs are read from .safetensors files only (pickled .pt/.ckpt are not)`);
  if (bytes.length > MAX_LORA_BYTES) throw new LoraFileError(`${fileName}: larger than 1 GiB, too large for a LoRA`);
  let parsed;
  try {
    parsed = readSafetensors(bytes);
  } catch (error) {
    if (error instanceof StudioError) throw new LoraFileError(`${fileName}: ${error.message}`);
    throw error;
  }
  const { tensors, metadata } = parsed;
  const { modules, unknown } = groupLoraModules(tensors, metadata);
  if (modules.length === 0) {
    const why = unknown[0] ? ` (${unknown[0].key}: ${unknown[0].reason})` : '';
    throw new LoraFileError(
      `${fileName}: not a LoRA file: none of its ${tensors.size} tensors is a LoRA weight in kohya (lora_down/lora_up) or diffusers/PEFT (lora_A/lora_B) naming${why}`,
    );
  }
  const baseModel = baseModelOf(metadata, modules, tensors);
  if (baseModel === 'sdxl') throw new LoraFileError(`${fileName}: a LoRA for SDXL; this studio runs SD 1.x/2.x models`);
  const kohya = modules.some((m) => m.underscored);
  const peft = modules.some((m) => !m.underscored);
  return {
    tensors,
    metadata,
    summary: {
      naming: kohya && peft ? 'mixed' : kohya ? 'kohya' : 'peft',
      unetModules: modules.filter((m) => m.component === 'unet').length,
      textEncoderModules: modules.filter((m) => m.component === 'text_encoder').length,
      rank: Math.max(...modules.map((m) => m.down.dims[0])),
      baseModel,
      triggerWords: triggerWordsOf(metadata),
    },
  };
}
