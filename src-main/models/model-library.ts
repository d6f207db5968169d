// Finds model folders (the diffusers ONNX layout) in the app's bundled models/, in the data directory's models/ and
// at the locations the user imported, and names each by an id so that no path ever crosses to the renderer.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ModelSummary } from '../shared/system-types';

export interface ModelLocation extends ModelSummary {
  dir: string;
}

/** Folders imported where they lie; remembered by the studio, never moved or deleted by it. */
export interface ImportedLocations {
  list(): string[];
  add(dir: string): void;
  remove(dir: string): void;
}

export interface ModelLibrary {
  list(): ModelLocation[];
  /** A model id, or the name of an installed model; undefined when nothing matches. */
  resolve(idOrName: string): ModelLocation | undefined;
  /** The model used when none is named: the chosen default while installed, else the first bundled one. */
  defaultModel(): ModelLocation | undefined;
  readonly userDir: string;
}

export function createModelLibrary(options: {
  bundledDir: string;
  userDir: string;
  /** The imported locations, as remembered now. */
  importedDirs?: () => string[];
  /** The stored default model's id, if one was chosen. */
  chosenDefault?: () => string | null;
}): ModelLibrary {
  const found = (): Omit<ModelLocation, 'default'>[] => [
    ...scan(options.bundledDir, 'bundled'),
    ...scan(options.userDir, 'data'),
    ...(options.importedDirs?.() ?? []).map((dir) => ({
      id: importedId(dir),
      name: path.basename(dir),
      bundled: false,
      source: 'imported' as const,
      dir,
    })),
  ];
  const list = (): ModelLocation[] => {
    const models = found();
    const chosen = options.chosenDefault?.() ?? null;
    const fallback = models.find((m) => m.bundled) ?? models[0];
    const defaultId = models.some((m) => m.id === chosen) ? chosen : fallback?.id;
    return models.map((m) => ({ ...m, default: m.id === defaultId }));
  };
  return {
    list,
    resolve: (idOrName) => list().find((m) => m.id === idOrName || m.name === idOrName),
    defaultModel: () => list().find((m) => m.default),
    userDir: options.userDir,
  };
}

/** Stable per folder, and says nothing of the path. */
export function importedId(dir: string): string {
  return `imported:${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 12)}`;
}

function scan(root: string, source: 'bundled' | 'data'): Omit<ModelLocation, 'default'>[] {
  if (!existsSync(root)) return [];
  const bundled = source === 'bundled';
  return readdirSync(root)
    .filter((name) => !name.startsWith('.'))
    .map((name) => path.join(root, name))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(path.join(dir, 'model_index.json')))
    .sort()
    .map((dir) => {
      const name = path.basename(dir);
      return { id: `${bundled ? 'bundled' : 'user'}:${name}`, name, bundled, source, dir };
    });
}
