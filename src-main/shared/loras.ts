// The LoRA library as the views see it, and the A1111 prompt syntax that calls a LoRA: `<lora:name:strength>`.
import { z } from 'zod';

export interface LoraInfo {
  /** SHA-256 of the file's bytes: the id and the content address of its copy in the data directory. */
  id: string;
  /** What calls it: `<lora:name:0.8>` in a prompt, `--lora name:0.8`, the generation settings' `loras`. */
  name: string;
  /** The file name it was imported from. */
  sourceName: string;
  /** Which naming its keys use. */
  naming: 'kohya' | 'peft' | 'mixed';
  /** Modules it changes in the UNet and in the text encoder; its rank (the largest, when they differ). */
  unetModules: number;
  textEncoderModules: number;
  rank: number;
  /** What it was trained on, from its metadata or its shapes: 'sd1', 'sd2', 'sdxl' or 'unknown'. */
  baseModel: 'sd1' | 'sd2' | 'sdxl' | 'unknown';
  /** Words its training captions used most, or that its author named (metadata: ss_tag_frequency, trigger words). */
  triggerWords: string[];
  bytes: number;
  /** Epoch milliseconds. */
  created: number;
}

/** One LoRA of a job and its strength (A1111's multiplier: 1 is the trained effect, 0 none, negative inverts). */
export interface LoraUse {
  name: string;
  strength: number;
}

export const loraStrength = { min: -4, max: 4 } as const;

const loraName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\s<>:]+$/, 'a LoRA name has no spaces, <, > or :');
const loraId = z.string().regex(/^[0-9a-f]{64}$/, 'a LoRA id is a 64-digit hex hash');

export const loraUseSchema = z
  .object({
    name: loraName,
    strength: z
      .number()
      .min(loraStrength.min, `must be between ${loraStrength.min} and ${loraStrength.max}`)
      .max(loraStrength.max, `must be between ${loraStrength.min} and ${loraStrength.max}`)
      .default(1),
  })
  .strict();
export const lorasSchema = z.array(loraUseSchema).max(16, 'at most 16 LoRAs per job');

export const loraRefSchema = z.object({ id: loraId }).strict();
export const loraImportSchema = z
  .object({
    /** The file's name (a .safetensors file); its base name is the LoRA's name unless `name` is given. */
    file: z.string().min(1).max(255),
    base64: z.string().max(400 * 1024 * 1024),
    name: loraName.optional(),
  })
  .strict();

export interface LoraTag extends LoraUse {
  /** Where the tag stands in the prompt. */
  start: number;
  end: number;
}

// A1111's extra-network syntax (`<(\w+):([^>]+)>`), for the `lora` kind: `<lora:name>` or `<lora:name:multiplier>`.
const TAG = /<lora:([^>]*)>/g;

/** The `<lora:…>` tags of a prompt; a malformed one throws, naming it. */
export function findLoraTags(prompt: string): LoraTag[] {
  const tags: LoraTag[] = [];
  for (const match of prompt.matchAll(TAG)) {
    const [name, strength, ...rest] = match[1].split(':');
    const problem = (why: string) => new Error(`${match[0]} in the prompt: ${why}`);
    if (!loraName.safeParse(name).success) throw problem('the LoRA name is missing or has spaces');
    if (rest.length > 0) throw problem('separate text-encoder and UNet strengths are not supported: give one');
    const value = strength === undefined || strength.trim() === '' ? 1 : Number(strength);
    if (!Number.isFinite(value)) throw problem(`"${strength}" is not a number`);
    if (value < loraStrength.min || value > loraStrength.max)
      throw problem(`the strength must be between ${loraStrength.min} and ${loraStrength.max}`);
    tags.push({ name, strength: value, start: match.index, end: match.index + match[0].length });
  }
  return tags;
}

/** The prompt as the text encoder reads it: the tags taken out (A1111 does so before parsing attention). */
export const removeLoraTags = (prompt: string): string => prompt.replace(TAG, '');

/** The job's LoRAs: the settings' list, then the prompt's tags (a tag for a listed name sets its strength). */
export function lorasOfJob(list: readonly LoraUse[], prompts: readonly string[]): LoraUse[] {
  const byName = new Map<string, LoraUse>();
  for (const use of list) byName.set(use.name, { ...use });
  for (const prompt of prompts)
    for (const tag of findLoraTags(prompt)) byName.set(tag.name, { name: tag.name, strength: tag.strength });
  return [...byName.values()];
}
