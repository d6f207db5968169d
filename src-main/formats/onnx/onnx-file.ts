// ONNX models on disk: read a model, load an external tensor's bytes from the file beside it, and write a model
// with its large weights moved to one external-data file (the way models past protobuf's 2 GiB limit are stored).
import { open, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { decodeModel } from './onnx-decode';
import { encodeModelParts } from './onnx-encode';
import { byteLength, externalData, inlineBytes } from './onnx-tensor';
import type { OnnxGraph, OnnxModel, OnnxTensor } from './onnx-types';

export async function readModelFile(path: string): Promise<OnnxModel> {
  return decodeModel(new Uint8Array(await readFile(path)));
}

/** The external file a location names, refusing locations that leave the model's folder. */
function externalPath(modelDir: string, location: string): string {
  const clean = normalize(location);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`))
    throw new Error(`external data location ${JSON.stringify(location)} is outside the model's folder`);
  return join(modelDir, clean);
}

/** The tensor's bytes, read from its external file when it has one; `modelDir` is the folder of its model file. */
export async function loadTensorBytes(tensor: OnnxTensor, modelDir: string): Promise<Uint8Array> {
  const where = externalData(tensor);
  if (!where) return inlineBytes(tensor);
  const file = await open(externalPath(modelDir, where.location), 'r');
  try {
    const length = where.length ?? (await file.stat()).size - where.offset;
    const out = new Uint8Array(length);
    const { bytesRead } = await file.read(out, 0, length, where.offset);
    if (bytesRead !== length)
      throw new Error(
        `external data ${where.location} ends before tensor ${tensor.name ?? ''} (${bytesRead} of ${length} bytes)`,
      );
    return out;
  } finally {
    await file.close();
  }
}

export interface WriteModelOptions {
  /** Folder of the model the tensors were decoded from, where its external files are. */
  sourceDir?: string;
  /** Move initializers of at least `threshold` bytes to `location` (a file name beside the model). */
  externalData?: { location: string; threshold: number };
}

/** Writes `model` to `path` (and its external-data file); the model object itself is left unchanged. */
export async function writeModelFile(path: string, model: OnnxModel, options: WriteModelOptions = {}): Promise<void> {
  const graph = await placeInitializers(model.graph, dirname(path), options);
  await writeParts(path, encodeModelParts({ ...model, graph }));
}

/** The graph with each initializer inline or in the new external file, as the options ask. */
async function placeInitializers(graph: OnnxGraph, outDir: string, options: WriteModelOptions): Promise<OnnxGraph> {
  const sourceDir = options.sourceDir ?? outDir;
  const target = options.externalData;
  const initializers: OnnxTensor[] = [];
  const data = target ? await open(externalPath(outDir, target.location), 'w') : null;
  let offset = 0;
  try {
    for (const tensor of graph.initializers) {
      const size = byteLength(tensor);
      const wasExternal = externalData(tensor) !== null;
      if (data && target && size >= target.threshold && size > 0) {
        const bytes = await loadTensorBytes(tensor, sourceDir);
        // Aligned starts let ONNX Runtime map the file instead of copying from it.
        offset = Math.ceil(offset / 4096) * 4096;
        await data.write(bytes, 0, bytes.length, offset);
        initializers.push(asExternal(tensor, target.location, offset, bytes.length));
        offset += bytes.length;
      } else if (wasExternal) {
        initializers.push(asInline(tensor, await loadTensorBytes(tensor, sourceDir)));
      } else initializers.push(tensor);
    }
  } finally {
    await data?.close();
  }
  return { ...graph, initializers };
}

const withoutData = (t: OnnxTensor): OnnxTensor => {
  const copy = { ...t };
  for (const key of ['rawData', 'floatData', 'int32Data', 'int64Data', 'doubleData', 'uint64Data'] as const)
    delete copy[key];
  delete copy.externalData;
  delete copy.dataLocation;
  return copy;
};

function asExternal(t: OnnxTensor, location: string, offset: number, length: number): OnnxTensor {
  return {
    ...withoutData(t),
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
    dataLocation: 1,
  };
}

const asInline = (t: OnnxTensor, bytes: Uint8Array): OnnxTensor => ({ ...withoutData(t), rawData: bytes });

async function writeParts(path: string, parts: Uint8Array[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    // writev takes at most IOV_MAX (1024 on Linux) buffers per call.
    for (let i = 0; i < parts.length; i += 1000) await file.writev(parts.slice(i, i + 1000));
  } finally {
    await file.close();
  }
}
