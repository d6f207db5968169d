// File checks for model folders, each failure a ModelFolderError naming the file.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { payload, readFields, text } from '../formats/protobuf';
import { ModelFolderError } from './engine-errors';

/** The path when it is a non-empty regular file, else null. */
export async function optionalFile(path: string): Promise<string | null> {
  const info = await stat(path).catch(() => null);
  if (!info) return null;
  if (!info.isFile()) throw new ModelFolderError(path, 'expected a file, found a folder');
  if (info.size === 0) throw new ModelFolderError(path, 'file is empty');
  return path;
}

export async function requireFile(path: string): Promise<string> {
  const found = await optionalFile(path);
  if (!found) throw new ModelFolderError(path, 'missing file');
  return found;
}

export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new ModelFolderError(path, `cannot read (${error.message})`);
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelFolderError(path, `malformed JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelFolderError(path, 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Graphs this large keep their weights inside: there is no external data to look for. */
const MAX_GRAPH_SCAN_BYTES = 256 << 20;

/**
 * The external-data file a graph names that is missing or shorter than the graph needs, as a ModelFolderError naming
 * that file; null when all are there (or the graph cannot be read as ONNX). Asked after ONNX Runtime refused the
 * graph, whose own message names only the graph. ONNX: ModelProto.graph (7) → GraphProto.initializer (5) →
 * TensorProto.external_data (13: key 1, value 2 — location, offset, length).
 */
export async function externalDataProblem(graphFile: string): Promise<ModelFolderError | null> {
  const info = await stat(graphFile).catch(() => null);
  if (!info || info.size > MAX_GRAPH_SCAN_BYTES) return null;
  const needed = new Map<string, number>();
  try {
    const model = await readFile(graphFile);
    for (const graph of readFields(model).filter((f) => f.number === 7 && f.wire === 2)) {
      const graphBytes = payload(model, graph);
      for (const tensor of readFields(graphBytes).filter((f) => f.number === 5 && f.wire === 2)) {
        const tensorBytes = payload(graphBytes, tensor);
        const entry: Record<string, string> = {};
        for (const pair of readFields(tensorBytes).filter((f) => f.number === 13 && f.wire === 2)) {
          const pairBytes = payload(tensorBytes, pair);
          const [key, value] = [1, 2].map((n) => readFields(pairBytes).find((f) => f.number === n));
          if (key && value) entry[text(pairBytes, key)] = text(pairBytes, value);
        }
        if (entry.location === undefined) continue;
        const end = Number(entry.offset ?? 0) + Number(entry.length ?? 0);
        needed.set(entry.location, Math.max(needed.get(entry.location) ?? 0, end));
      }
    }
  } catch {
    return null;
  }
  for (const [location, end] of needed) {
    const file = join(dirname(graphFile), location);
    const data = await stat(file).catch(() => null);
    if (!data) return new ModelFolderError(file, `missing file (${basename(graphFile)} keeps its weights there)`);
    if (data.size < end)
      return new ModelFolderError(
        file,
        `${data.size} bytes, ${basename(graphFile)} needs ${end} (a partial download or copy?)`,
      );
  }
  return null;
}
