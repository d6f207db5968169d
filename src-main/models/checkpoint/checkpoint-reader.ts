// One interface over the single-file checkpoint formats: every tensor's name, shape and dtype up front, the values
// read on demand (decoded to float32, refused when NaN/Inf), so an import never holds the whole file in memory.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { ConceptFileError, type FloatDtype } from '../../concepts';
import { refuse } from './checkpoint-errors';
import { openTorchCheckpoint } from './torch-checkpoint-stream';
import { openSafetensors } from './safetensors-stream';

export interface CheckpointTensor {
  name: string;
  dims: number[];
  /** null: a non-float tensor (int64 position ids and the like), listed but never read. */
  dtype: FloatDtype | null;
}

export interface CheckpointReader {
  file: string;
  format: 'safetensors' | 'ckpt';
  tensors: Map<string, CheckpointTensor>;
  metadata: Record<string, unknown>;
  /** The tensor's values in row-major order, decoded to float32 and checked finite. */
  read(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Opens `.safetensors` directly and `.ckpt`/`.pt` through the restricted unpickler (nothing is executed). */
export async function openCheckpoint(file: string): Promise<CheckpointReader> {
  const magic = await firstBytes(file, 2);
  const ext = path.extname(file).toLowerCase();
  try {
    const reader = magic[0] === 0x50 && magic[1] === 0x4b ? await openTorchCheckpoint(file) : null;
    if (reader) return namingFile(reader);
    if (ext === '.ckpt' || ext === '.pt' || ext === '.pth' || magic[0] === 0x80)
      return refuse('unreadable', `${file}: a PyTorch pickle in the legacy (pre-1.6) format; re-save it with a current torch or as .safetensors`);
    return namingFile(await openSafetensors(file));
  } catch (error) {
    return rethrow(error, file);
  }
}

/** The tensor readers' errors name the tensor; the user also needs the file. */
function namingFile(reader: CheckpointReader): CheckpointReader {
  return {
    ...reader,
    read: (name) => reader.read(name).catch((error: unknown) => rethrow(error, reader.file)),
  };
}

function rethrow(error: unknown, file: string): never {
  if (error instanceof ConceptFileError)
    return refuse(error.problem === 'bad_values' ? 'bad_values' : 'unreadable', `${file}: ${error.message}`);
  throw error;
}

async function firstBytes(file: string, count: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return refuse('unreadable', `${file}: cannot be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const out = new Uint8Array(count);
    const { bytesRead } = await handle.read(out, 0, count, 0);
    return out.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
