// A checkpoint import as the model library does it: the new folder goes into the data directory's models/ under
// the file's name (or the one asked for), and the tokenizer is copied from --tokenizer, else from the first installed
// model whose CLIP vocabulary fits the checkpoint's text encoder.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { ModelImportProgress } from '../../shared/models';
import type { ModelLibrary } from '../model-library';
import { importCheckpoint } from './import-checkpoint';

export interface CheckpointImportRequest {
  path: string;
  config?: string;
  precision?: 'fp32' | 'fp16';
  name?: string;
  tokenizer?: string;
}

/** Imports and returns the new folder. */
export async function importCheckpointInto(
  library: ModelLibrary,
  request: CheckpointImportRequest,
  onProgress?: (progress: ModelImportProgress) => void,
): Promise<string> {
  const file = path.resolve(request.path);
  if (!existsSync(file)) throw new StudioError('invalid_input', `${request.path}: no such file`, { field: 'path' });
  const name = request.name ?? path.basename(file).replace(/\.(safetensors|ckpt|pt|pth)$/i, '');
  if (!/^[\w][\w .-]*$/.test(name))
    throw new StudioError('invalid_input', `"${name}" cannot name a model folder; choose one with --name`, {
      field: 'name',
    });
  const outDir = path.join(library.userDir, name);
  if (existsSync(outDir) || library.resolve(name))
    throw new StudioError('conflict', `a model named ${name} already exists; choose another with --name`);
  await mkdir(library.userDir, { recursive: true });
  const installed = library.list().map((m) => path.join(m.dir, 'tokenizer'));
  // --tokenizer names the tokenizer folder itself or a model folder holding one.
  const given = request.tokenizer ? [path.resolve(request.tokenizer), path.resolve(request.tokenizer, 'tokenizer')] : [];
  await importCheckpoint({
    file,
    outDir,
    config: request.config ? path.resolve(request.config) : undefined,
    precision: request.precision,
    tokenizerCandidates: [...given, ...installed],
    onProgress: (p) => onProgress?.({ file, ...p }),
  });
  return outDir;
}
