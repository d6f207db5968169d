// The studio's concept library: imported embedding files copied into the data directory under their hash, one row
// each in the `concepts` table, and the enabled ones' vectors handed to the engine for every job.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ConceptVectors } from '../engine';
import type { ConceptInfo, ConceptRole } from '../shared/concepts';
import { StudioError } from '../shared/errors';
import { readConceptFile } from './concept-file';
import { conceptRows, type StoredConcept } from './concept-rows';
import { conceptTrash } from './concept-trash';

export interface ConceptLibraryDeps {
  db: Database.Database;
  dataDir: string;
  /** True when `trigger` is a word of the default model's vocabulary (a trigger must not shadow one). */
  isVocabularyWord?: (trigger: string) => Promise<boolean>;
  /**
   * Makes a preview for a new concept with `model` (an installed model's id or name; the default model when absent);
   * returns its media path, or null when not compatible.
   */
  makePreview?: (concept: ConceptInfo, vectors: ConceptVectors, model?: string) => Promise<string | null>;
  log?: (message: string) => void;
}

export interface ImportOptions {
  trigger?: string;
  role?: ConceptRole;
  /** The model to render the preview with (the one the user has chosen); the default model when absent. */
  model?: string;
}

export interface ConceptLibrary {
  list(): ConceptInfo[];
  import(name: string, bytes: Uint8Array, options?: ImportOptions): Promise<ConceptInfo>;
  rename(id: string, trigger: string): Promise<ConceptInfo>;
  setEnabled(id: string, enabled: boolean): ConceptInfo;
  setRole(id: string, role: ConceptRole): ConceptInfo;
  /** Moves the concept to the trash (its file and settings are kept there until restored). */
  remove(id: string): { deleted: boolean };
  /** Brings a deleted concept back from the trash, with its trigger, role, enabled state and preview. */
  restore(id: string): ConceptInfo;
  /** The concepts in the trash, as they were when removed. */
  trashed(): ConceptInfo[];
  /** The vectors of the enabled concepts, as the engine takes them. */
  enabledVectors(): ConceptVectors[];
}

const EXTENSIONS: Record<string, string> = { safetensors: '.safetensors', pytorch: '.pt' };

export function createConceptLibrary(deps: ConceptLibraryDeps): ConceptLibrary {
  const rows = conceptRows(deps.db);
  const trash = conceptTrash(deps.dataDir);
  const log = deps.log ?? (() => {});
  // Parsed files by id: a job should not re-read and re-check every enabled file.
  const cache = new Map<string, ConceptVectors>();
  const public_ = ({ file: _file, ...info }: StoredConcept): ConceptInfo => info;

  const found = (id: string): StoredConcept => rows.get(id) ?? notFound(id);

  function vectorsOf(concept: StoredConcept): ConceptVectors {
    const cached = cache.get(concept.id);
    if (cached) return { ...cached, trigger: concept.trigger };
    const bytes = new Uint8Array(readFileSync(path.join(deps.dataDir, ...concept.file.split('/'))));
    const parsed = readConceptFile(bytes, concept.file);
    const vectors = {
      trigger: concept.trigger,
      hash: concept.id,
      vectors: parsed.vectors,
      count: parsed.count,
      width: parsed.width,
    };
    cache.set(concept.id, vectors);
    return vectors;
  }

  async function checkTrigger(trigger: string, self: string | null): Promise<void> {
    const other = rows.byTrigger(trigger);
    if (other && other.id !== self)
      throw new StudioError('conflict', `the trigger "${trigger}" is taken by another concept`);
    if (await deps.isVocabularyWord?.(trigger))
      throw new StudioError('conflict', `"${trigger}" is a word the model already knows: choose another trigger`);
  }

  return {
    list: () => rows.list().map(public_),

    async import(name, bytes, options = {}) {
      const parsed = readConceptFile(bytes, name);
      const id = createHash('sha256').update(bytes).digest('hex');
      if (rows.get(id))
        throw new StudioError('conflict', `${name} is already in the library as "${found(id).trigger}"`);
      const trigger = options.trigger ?? parsed.trigger;
      // The file's own name is A1111's trigger, so only an explicit choice must avoid vocabulary words.
      const other = rows.byTrigger(trigger);
      if (other)
        throw new StudioError(
          'conflict',
          `the trigger "${trigger}" is taken by another concept: import it under another trigger`,
        );
      if (options.trigger !== undefined) await checkTrigger(trigger, null);
      const file = `concepts/${id}${EXTENSIONS[parsed.format] ?? ''}`;
      mkdirSync(path.join(deps.dataDir, 'concepts'), { recursive: true });
      trash.drop(id);
      writeFileSync(path.join(deps.dataDir, ...file.split('/')), bytes);
      const concept: StoredConcept = {
        id,
        trigger,
        format: parsed.format,
        layout: parsed.layout,
        vectors: parsed.count,
        width: parsed.width,
        sourceName: path.basename(name),
        role: options.role ?? 'positive',
        enabled: true,
        created: Date.now(),
        preview: null,
        file,
      };
      rows.insert(concept);
      if (deps.makePreview) {
        try {
          const preview = await deps.makePreview(public_(concept), vectorsOf(concept), options.model);
          if (preview) rows.setPreview(id, preview);
        } catch (error) {
          log(`concept ${trigger}: no preview (${(error as Error).message})`);
        }
      }
      return public_(found(id));
    },

    async rename(id, trigger) {
      found(id);
      await checkTrigger(trigger, id);
      rows.setTrigger(id, trigger);
      return public_(found(id));
    },
    setEnabled(id, enabled) {
      if (!rows.setEnabled(id, enabled)) notFound(id);
      return public_(found(id));
    },
    setRole(id, role) {
      if (!rows.setRole(id, role)) notFound(id);
      return public_(found(id));
    },
    remove(id) {
      const concept = rows.get(id);
      if (!concept) return { deleted: false };
      trash.put(concept);
      rows.remove(id);
      cache.delete(id);
      return { deleted: true };
    },
    restore(id) {
      const concept = trash.get(id);
      if (!concept) throw new StudioError('not_found', `no concept ${id.slice(0, 12)}… in the trash`);
      if (rows.byTrigger(concept.trigger))
        throw new StudioError(
          'conflict',
          `the trigger "${concept.trigger}" is taken by another concept: rename that one first`,
        );
      trash.take(concept);
      rows.insert(concept);
      rows.setEnabled(id, concept.enabled);
      rows.setPreview(id, concept.preview);
      return public_(found(id));
    },
    trashed: () => trash.list().map(public_),
    enabledVectors: () =>
      rows
        .list()
        .filter((c) => c.enabled)
        .map(vectorsOf),
  };
}

function notFound(id: string): never {
  throw new StudioError('not_found', `no concept ${id.slice(0, 12)}…`);
}
