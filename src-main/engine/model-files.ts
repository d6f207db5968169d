// File checks for model folders, each failure a ModelFolderError naming the file.
import { readFile, stat } from 'node:fs/promises';
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
