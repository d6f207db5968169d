// `--lora REF[:STRENGTH]`: a LoRA for one command, by its library name or as a .safetensors file (not imported); the
// prompt's `<lora:name:w>` tags name LoRAs too (a file's name is its base name). Strength defaults to 1.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './args';
import { withStudio } from './studio-session';
import { lorasOfJob, loraStrength, type LoraUse } from '../shared/loras';
import { MAX_LORA_BYTES, readLoraFile, type LoraWeights } from '../studio';

export function parseLoraArg(raw: string): { ref: string; strength: number } {
  // The strength is what follows the last colon when it is a number, so that C:\… paths keep theirs.
  const match = raw.match(/^(.+):([^:]*)$/);
  const tail = match?.[2];
  const numeric = tail !== undefined && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(tail);
  const ref = numeric ? match![1] : raw;
  const strength = numeric ? Number(tail) : 1;
  if (ref.trim() === '') throw new UsageError(`option --lora needs a name or a .safetensors file, got '${raw}'`);
  if (!numeric && match && !/\.safetensors$/i.test(raw) && !/^[a-z]:[\\/]/i.test(raw))
    throw new UsageError(`option --lora: '${tail}' in '${raw}' is not a strength (a number, e.g. name:0.8)`);
  if (strength < loraStrength.min || strength > loraStrength.max)
    throw new UsageError(
      `option --lora: the strength must be between ${loraStrength.min} and ${loraStrength.max}, got ${strength}`,
    );
  return { ref, strength };
}

export async function readLoraArgs(
  args: readonly string[] | undefined,
  prompt: string,
  dataDir: string,
): Promise<LoraWeights[]> {
  const files = new Map<string, LoraWeights>();
  const listed: LoraUse[] = [];
  for (const { ref, strength } of (args ?? []).map(parseLoraArg)) {
    if (/\.safetensors$/i.test(ref)) {
      const weights = readLoraPath(ref);
      files.set(weights.name, weights);
      listed.push({ name: weights.name, strength });
    } else listed.push({ name: ref, strength });
  }
  let uses: LoraUse[];
  try {
    uses = lorasOfJob(listed, [prompt]);
  } catch (error) {
    throw new UsageError(`option --prompt: ${(error as Error).message}`);
  }
  const fromLibrary = uses.filter((u) => !files.has(u.name));
  const library = fromLibrary.length ? await withStudio(dataDir, (studio) => studio.loras.weightsFor(fromLibrary)) : [];
  return uses.map((u) => {
    const file = files.get(u.name);
    return file
      ? { ...file, strength: u.strength }
      : library.find((l) => l.name.toLowerCase() === u.name.toLowerCase())!;
  });
}

function readLoraPath(file: string): LoraWeights {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${file}: cannot read the LoRA (${reason})`, { cause: error });
  }
  if (bytes.length > MAX_LORA_BYTES) throw new Error(`${file}: too large for a LoRA`);
  const { tensors, metadata } = readLoraFile(new Uint8Array(bytes), file);
  const name = path.basename(file).replace(/\.safetensors$/i, '');
  return { name, hash: createHash('sha256').update(bytes).digest('hex'), strength: 1, tensors, metadata };
}
