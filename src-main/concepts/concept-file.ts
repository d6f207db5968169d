// Reads a textual-inversion embedding (Gal et al. 2022) in A1111 or diffusers layout from .safetensors, .pt or .bin.
import { ConceptFileError, fail } from './concept-errors';
import { PickleTuple } from './safe-unpickler';
import { readSafetensors, type FloatTensor } from './safetensors-reader';
import { readTorchFile } from './torch-file-reader';

export type ConceptFormat = 'safetensors' | 'pytorch';
export type ConceptLayout = 'a1111' | 'diffusers';

export interface ConceptEmbedding {
  /** A1111: the file's base name; diffusers: the stored token. */
  trigger: string;
  format: ConceptFormat;
  layout: ConceptLayout;
  /** count × width, row-major. */
  vectors: Float32Array;
  count: number;
  width: number;
  /** The name stored in the file (A1111), if any. */
  storedName: string | null;
}

/** Embeddings are a few KB; anything this large is not one. */
export const MAX_CONCEPT_BYTES = 16 << 20;
const MAX_VECTORS = 75;

export function readConceptFile(bytes: Uint8Array, fileName: string): ConceptEmbedding {
  const shownName = fileName.replace(/^.*[\\/]/, '');
  try {
    return parse(bytes, fileName);
  } catch (error) {
    // Every refusal names the file: a user importing a folder of embeddings must know which one is bad.
    if (error instanceof ConceptFileError)
      throw error.message.includes(shownName)
        ? error
        : new ConceptFileError(error.problem, `${shownName}: ${error.message}`);
    // A reader bug must still reach the user as a refusal of this file, never as a crash.
    throw new ConceptFileError('malformed', `${shownName}: cannot read (${(error as Error).message})`);
  }
}

function parse(bytes: Uint8Array, fileName: string): ConceptEmbedding {
  if (bytes.length > MAX_CONCEPT_BYTES)
    fail('too_large', `${fileName} is ${bytes.length} bytes: too large for an embedding`);
  const baseName = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  if (/\.safetensors$/i.test(fileName)) {
    const { tensors, metadata } = readSafetensors(bytes);
    const stored = typeof metadata.name === 'string' ? metadata.name : null;
    return fromTensors(tensors, baseName, 'safetensors', stored);
  }
  if (!/\.(pt|bin|ckpt)$/i.test(fileName)) fail('unsupported', `${fileName}: expected .safetensors, .pt or .bin`);
  const root = readTorchFile(bytes);
  if (!(root instanceof Map)) return fail('unsupported', `${fileName}: the pickle holds no dictionary`);
  const stringToParam = root.get('string_to_param');
  const stored = typeof root.get('name') === 'string' ? (root.get('name') as string) : null;
  if (stringToParam instanceof Map) {
    const tensor = stringToParam.get('*') ?? [...stringToParam.values()][0];
    return fromTensors(new Map([['emb_params', tensor as FloatTensor]]), baseName, 'pytorch', stored);
  }
  const tensors = new Map<string, FloatTensor>();
  for (const [key, value] of root) if (isTensor(value)) tensors.set(String(key), value);
  return fromTensors(tensors, baseName, 'pytorch', stored);
}

const isTensor = (v: unknown): v is FloatTensor =>
  typeof v === 'object' && v !== null && !(v instanceof PickleTuple) && 'values' in v && 'dims' in v;

function fromTensors(
  tensors: Map<string, FloatTensor>,
  baseName: string,
  format: ConceptFormat,
  storedName: string | null,
): ConceptEmbedding {
  if (tensors.has('clip_l') || tensors.has('clip_g')) fail('sdxl', 'SDXL embeddings need an SDXL model');
  const a1111 = tensors.get('emb_params');
  if (a1111 !== undefined) {
    if (!isTensor(a1111)) fail('malformed', 'emb_params is not a tensor');
    const dims = a1111.dims.length === 1 ? [1, a1111.dims[0]] : a1111.dims;
    return make(baseName, format, 'a1111', a1111.values, dims, storedName);
  }
  if (tensors.size !== 1)
    fail('unsupported', `no embedding found (expected emb_params, string_to_param or one token tensor)`);
  const [[token, tensor]] = [...tensors];
  const dims = tensor.dims.length === 1 ? [1, tensor.dims[0]] : tensor.dims;
  return make(token, format, 'diffusers', tensor.values, dims, storedName);
}

function make(
  trigger: string,
  format: ConceptFormat,
  layout: ConceptLayout,
  vectors: Float32Array,
  dims: number[],
  storedName: string | null,
): ConceptEmbedding {
  if (dims.length !== 2) fail('unsupported', `the embedding has shape [${dims.join(', ')}], expected [vectors, width]`);
  const [count, width] = dims;
  if (count < 1 || count > MAX_VECTORS)
    fail('unsupported', `the embedding has ${count} vectors (1 to ${MAX_VECTORS} fit a prompt)`);
  if (width < 1) fail('malformed', 'the embedding has width 0');
  if (trigger.trim() === '') fail('malformed', 'the embedding has no usable trigger word');
  return { trigger, format, layout, vectors, count, width, storedName };
}
