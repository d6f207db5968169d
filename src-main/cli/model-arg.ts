import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { bundledModelsDir } from '../app-paths';
import { openModelLibrary } from '../studio';

/** `--model`: a model folder, or the name of an installed model; absent: the bundled model. */
export function resolveModelArg(value: string | undefined, dataDir: string): string {
  if (value !== undefined && existsSync(value) && statSync(value).isDirectory()) return path.resolve(value);
  const library = openModelLibrary(dataDir, bundledModelsDir());
  const model = value === undefined ? library.defaultModel() : library.resolve(value);
  if (model) return model.dir;
  if (value === undefined) throw new Error('no model is installed; pass --model DIR');
  // Not an installed name either: let the engine report what is wrong with the path.
  return path.resolve(value);
}
