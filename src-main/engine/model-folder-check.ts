// A whole report on a model folder: every missing or broken file at once (readModelFolder stops at the first), and
// the float precision its graphs were exported at.
import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { payload, readFields, type Field } from '../formats/protobuf';
import { ModelFolderError } from './engine-errors';
import { readJsonObject, requireFile } from './model-files';
import { readModelFolder, type ModelDescription } from './model-folder';

export interface FolderProblem {
  /** Relative to the folder, with '/' separators; '.' for the folder itself. */
  file: string;
  problem: string;
}

export interface FolderReport {
  problems: FolderProblem[];
  description: ModelDescription | null;
}

/** The files every pipeline needs, folder by folder. */
const requiredFiles = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'vae_decoder/model.onnx',
];
const jsonFiles = ['model_index.json', 'scheduler/scheduler_config.json'];

export async function checkModelFolder(dirPath: string): Promise<FolderReport> {
  const dir = resolve(dirPath);
  const info = await stat(dir).catch(() => null);
  if (!info) return { problems: [{ file: '.', problem: 'no such folder' }], description: null };
  if (!info.isDirectory()) return { problems: [{ file: '.', problem: 'not a folder' }], description: null };
  const name = (file: string) => relative(dir, file).split(sep).join('/') || '.';
  const asProblem = (error: unknown): FolderProblem => {
    if (error instanceof ModelFolderError) return { file: name(error.file), problem: error.problem };
    throw error;
  };

  const problems: FolderProblem[] = [];
  for (const file of requiredFiles) {
    const folder = file.includes('/') ? file.split('/')[0] : null;
    if (folder && !(await stat(join(dir, folder)).catch(() => null))) {
      problems.push({ file, problem: `missing file (no ${folder}/ folder)` });
      continue;
    }
    try {
      const found = await requireFile(join(dir, file));
      if (jsonFiles.includes(file)) await readJsonObject(found);
    } catch (error) {
      problems.push(asProblem(error));
    }
  }
  if (problems.length > 0) return { problems, description: null };
  try {
    return { problems: [], description: await readModelFolder(dir) };
  } catch (error) {
    return { problems: [asProblem(error)], description: null };
  }
}

/** Graphs larger than this are not read whole just to learn their float type. */
const maxScanBytes = 256 << 20;
const onnxFloat = 1;
const onnxFloat16 = 10;

/**
 * The float type of a graph's first float input: ModelProto.graph (7) → GraphProto.input (11) → ValueInfoProto.type
 * (2) → TypeProto.tensor_type (1) → elem_type (1). Null when the file is too large or not readable as ONNX.
 */
export async function graphPrecision(graphFile: string): Promise<'fp32' | 'fp16' | null> {
  const info = await stat(graphFile).catch(() => null);
  if (!info || info.size > maxScanBytes) return null;
  try {
    const model = await readFile(graphFile);
    const child = (bytes: Uint8Array, number: number): Uint8Array[] =>
      readFields(bytes)
        .filter((f: Field) => f.number === number && f.wire === 2)
        .map((f) => payload(bytes, f));
    for (const graph of child(model, 7)) {
      for (const input of child(graph, 11)) {
        for (const type of child(input, 2)) {
          for (const tensor of child(type, 1)) {
            const elem = readFields(tensor).find((f) => f.number === 1 && f.wire === 0)?.value;
            if (elem === onnxFloat) return 'fp32';
            if (elem === onnxFloat16) return 'fp16';
          }
        }
      }
    }
  } catch {
    return null;
  }
  return null;
}
