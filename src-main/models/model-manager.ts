// What the Models panel and `studio models` do to the library: describe every model in full, add a folder after
// checking all of it, choose the default, and remove (forget an imported location; delete a data-directory folder
// only when asked to).
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkModelFolder, graphPrecision } from '../engine';
import { StudioError } from '../shared/errors';
import { maxReadmeChars, type ModelDetails, type ModelExportResult, type ModelImportProgress } from '../shared/models';
import type { ModelSummary } from '../shared/system-types';
import type { ImportedLocations, ModelLibrary, ModelLocation } from './model-library';
import { exportModel, type ExportSections } from './model-export';
import { importCheckpointInto, type CheckpointImportRequest } from './checkpoint/library-import';

export interface ModelManager {
  details(idOrName?: string): Promise<ModelDetails[]>;
  add(folder: string): Promise<ModelDetails>;
  /** Converts a single-file checkpoint into a new folder of the data directory's models/. */
  importCheckpoint(request: CheckpointImportRequest): Promise<ModelDetails>;
  remove(idOrName: string, deleteFiles: boolean): Promise<{ removed: string; deletedFiles: boolean }>;
  setDefault(idOrName: string): ModelSummary[];
  list(): ModelSummary[];
  /** Writes the model as a diffusers ONNX folder into `dir` (new or empty). */
  export(idOrName: string, dir: string): Promise<ModelExportResult>;
}

export function createModelManager(deps: {
  library: ModelLibrary;
  locations: ImportedLocations;
  /** Stores the chosen default model's id (null: the bundled one). */
  storeDefault: (id: string | null) => void;
  /** The execution provider jobs run on now. */
  provider: () => string;
  /** What the export lists beside the model (concepts; LoRAs when the studio has them). */
  exportSections?: ExportSections;
  appVersion?: string;
  /** Where a checkpoint import reports how far it is. */
  onImportProgress?: (progress: ModelImportProgress) => void;
}): ModelManager {
  const { library } = deps;

  function find(idOrName: string): ModelLocation {
    const model = library.resolve(idOrName);
    if (!model) throw new StudioError('not_found', `No model named ${idOrName}`);
    return model;
  }

  async function describe(model: ModelLocation): Promise<ModelDetails> {
    const report = await checkModelFolder(model.dir);
    const d = report.description;
    return {
      id: model.id,
      name: model.name,
      bundled: model.bundled,
      source: model.source,
      default: model.default,
      problems: report.problems,
      kind: d?.kind ?? null,
      predictionType: d?.predictionType ?? null,
      precision: d ? await graphPrecision(d.files.vaeDecoder) : null,
      nativeSize: d?.nativeSize ?? null,
      defaultScheduler: d?.defaultScheduler ?? null,
      img2img: d ? d.files.vaeEncoder !== null : null,
      inpainting: d ? d.unetInChannels === 9 : null,
      hash: d?.hash ?? null,
      sizeBytes: await folderBytes(model.dir),
      readme: await readme(model.dir),
      provider: deps.provider(),
    };
  }

  return {
    list: () => library.list().map(summary),
    async details(idOrName) {
      const models = idOrName === undefined ? library.list() : [find(idOrName)];
      return Promise.all(models.map(describe));
    },
    async add(folder) {
      const dir = path.resolve(folder);
      const info = await stat(dir).catch(() => null);
      if (!info) throw new StudioError('invalid_input', `${folder}: no such folder`, { field: 'path' });
      if (!info.isDirectory()) throw new StudioError('invalid_input', `${folder}: not a folder`, { field: 'path' });
      const known = library.list().find((m) => path.resolve(m.dir) === dir);
      if (known) throw new StudioError('conflict', `${folder} is already in the library as ${known.name}`);
      const report = await checkModelFolder(dir);
      if (report.problems.length > 0) {
        const list = report.problems.map((p) => `${p.file}: ${p.problem}`).join('; ');
        throw new StudioError('model_invalid', `${folder} is not a usable model folder: ${list}`, {
          problems: report.problems,
        });
      }
      deps.locations.add(dir);
      return describe(find(library.list().find((m) => m.dir === dir)!.id));
    },
    async importCheckpoint(request) {
      const dir = await importCheckpointInto(library, request, deps.onImportProgress);
      return describe(find(library.list().find((m) => path.resolve(m.dir) === path.resolve(dir))!.id));
    },
    async remove(idOrName, deleteFiles) {
      const model = find(idOrName);
      if (model.source === 'bundled') throw new StudioError('invalid_input', `${model.name} comes with the app`);
      if (model.source === 'imported') {
        deps.locations.remove(model.dir);
      } else {
        // A folder in the data directory's models/ is the library's own copy: removing it deletes it, so ask first.
        if (!deleteFiles) {
          throw new StudioError(
            'invalid_input',
            `Removing ${model.name} deletes its folder from the data directory; confirm to delete it`,
            { field: 'deleteFiles' },
          );
        }
        const inside = path.relative(library.userDir, model.dir);
        if (inside.startsWith('..') || path.isAbsolute(inside) || inside === '') {
          throw new StudioError('invalid_input', `${model.name} is not in the data directory's models/`);
        }
        await rm(model.dir, { recursive: true, force: true });
      }
      if (model.default) deps.storeDefault(null);
      return { removed: model.id, deletedFiles: model.source === 'data' };
    },
    export: (idOrName, dir) =>
      exportModel(find(idOrName), dir, { sections: deps.exportSections, appVersion: deps.appVersion }),
    setDefault(idOrName) {
      deps.storeDefault(find(idOrName).id);
      return library.list().map(summary);
    },
  };
}

function summary({ id, name, bundled, source, default: isDefault }: ModelLocation): ModelSummary {
  return { id, name, bundled, source, default: isDefault };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const info = await stat(path.join(entry.parentPath, entry.name)).catch(() => null);
    total += info?.size ?? 0;
  }
  return total;
}

/** The model card as text: the views render it as text, never as HTML. */
async function readme(dir: string): Promise<string | null> {
  for (const name of ['README.md', 'README.txt', 'README', 'model_card.md']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) return text.length > maxReadmeChars ? `${text.slice(0, maxReadmeChars)}\n…` : text;
  }
  return null;
}
