// Finds model folders (the diffusers ONNX layout) in the app's bundled models/ and in the data directory's models/,
// and names each by an id so that no path ever crosses to the renderer.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelSummary } from '../shared/system-types';

export interface ModelLocation extends ModelSummary {
  dir: string;
}

export interface ModelLibrary {
  list(): ModelLocation[];
  /** A model id, or the name of an installed model; undefined when nothing matches. */
  resolve(idOrName: string): ModelLocation | undefined;
  /** The model used when none is named: the first bundled one. */
  defaultModel(): ModelLocation | undefined;
}

export function createModelLibrary(options: { bundledDir: string; userDir: string }): ModelLibrary {
  const list = (): ModelLocation[] => [
    ...scan(options.bundledDir, true),
    ...scan(options.userDir, false),
  ];
  return {
    list,
    resolve: (idOrName) => list().find((m) => m.id === idOrName || m.name === idOrName),
    defaultModel: () => list().find((m) => m.bundled),
  };
}

function scan(root: string, bundled: boolean): ModelLocation[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => !name.startsWith('.'))
    .map((name) => path.join(root, name))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(path.join(dir, 'model_index.json')))
    .sort()
    .map((dir) => {
      const name = path.basename(dir);
      return { id: `${bundled ? 'bundled' : 'user'}:${name}`, name, bundled, dir };
    });
}
