// The concept library in the UI: the list, imports (picker, drop, folder), edits, the trash's undo, which models each
// concept fits, and inserting a trigger where the caret was in a prompt.
import type { ConceptInfo, ConceptRole } from '../../src-main/shared/concepts';
import { contextSlot } from './context';
import { insertWord } from './concept-triggers';
import type { GenerateState } from './generate-state.svelte';
import { describeError, type StudioState } from './studio-state.svelte';
import { hasExtension, type DroppedFile, type FileHandler } from './window-drop';

export type PromptName = 'prompt' | 'negative';

export const conceptExtensions = ['.safetensors', '.pt', '.bin'] as const;
const isConceptFile = (file: DroppedFile) => hasExtension(file, ...conceptExtensions);

export interface ImportReport {
  imported: string[];
  refused: { name: string; reason: string }[];
}

export class ConceptsState {
  items = $state.raw<ConceptInfo[]>([]);
  loaded = $state(false);
  importing = $state<{ done: number; total: number } | null>(null);
  /** The last import's outcome, file by file (a folder gives a summary). */
  report = $state<ImportReport | null>(null);
  /** The concept deleted last, until it is restored or another is deleted. */
  deleted = $state<ConceptInfo | null>(null);
  /** Text-encoder width by model id, read once per model. */
  widths = $state<Record<string, number>>({});
  /** Where each prompt's caret was when it lost focus, for "insert into prompt". */
  private readonly carets: Record<PromptName, { start: number; end: number } | null> = { prompt: null, negative: null };

  /** The chosen model's text-encoder width, once it has been read. */
  readonly modelWidth = $derived.by(() => this.generate.model.info?.textWidth ?? null);

  constructor(
    private readonly studio: StudioState,
    private readonly generate: GenerateState,
  ) {}

  async load(): Promise<void> {
    try {
      this.items = await this.studio.api.call('concepts.list', {});
      this.loaded = true;
      await this.loadWidths();
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not list concepts: ${describeError(error)}` });
    }
  }

  /** The installed models a concept can be used with: those whose text encoder is as wide as its vectors. */
  fits(concept: ConceptInfo): string[] {
    const models = this.studio.info?.models ?? [];
    return models.filter((m) => this.widths[m.id] === concept.width).map((m) => m.name);
  }

  /** Takes concept files, and folders holding them (the rest of a folder is ignored). */
  fileHandler(): FileHandler {
    return {
      label: 'Import concepts',
      accepts: (files) => files.some(isConceptFile) && files.every((f) => isConceptFile(f) || f.folderPath !== ''),
      handle: async (files) => {
        this.generate.tab = 'concepts';
        await this.importFiles(files.filter(isConceptFile).map((f) => f.file));
      },
    };
  }

  async importFiles(files: File[]): Promise<void> {
    const report: ImportReport = { imported: [], refused: [] };
    this.importing = { done: 0, total: files.length };
    for (const file of files) {
      try {
        const concept = await this.studio.api.call('concepts.import', {
          name: file.name,
          base64: await base64Of(file),
          model: this.generate.model.info?.id,
        });
        this.items = [...this.items, concept].sort(byTrigger);
        report.imported.push(concept.trigger);
      } catch (error) {
        report.refused.push({ name: file.name, reason: describeError(error) });
      }
      this.importing = { done: this.importing.done + 1, total: files.length };
    }
    this.importing = null;
    this.report = report;
  }

  async rename(concept: ConceptInfo, trigger: string): Promise<string | null> {
    return this.update(() => this.studio.api.call('concepts.rename', { id: concept.id, trigger }));
  }

  async setEnabled(concept: ConceptInfo, enabled: boolean): Promise<void> {
    const method = enabled ? 'concepts.enable' : 'concepts.disable';
    const problem = await this.update(() => this.studio.api.call(method, { id: concept.id }));
    if (problem) this.studio.notify({ level: 'error', message: problem });
  }

  async setRole(concept: ConceptInfo, role: ConceptRole): Promise<void> {
    const problem = await this.update(() => this.studio.api.call('concepts.setRole', { id: concept.id, role }));
    if (problem) this.studio.notify({ level: 'error', message: problem });
  }

  async remove(concept: ConceptInfo): Promise<void> {
    try {
      await this.studio.api.call('concepts.delete', { id: concept.id });
      this.items = this.items.filter((c) => c.id !== concept.id);
      this.deleted = concept;
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not delete ${concept.trigger}: ${describeError(error)}` });
    }
  }

  async undoDelete(): Promise<void> {
    const concept = this.deleted;
    if (!concept) return;
    try {
      const restored = await this.studio.api.call('concepts.restore', { id: concept.id });
      this.items = [...this.items, restored].sort(byTrigger);
      this.deleted = null;
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not restore ${concept.trigger}: ${describeError(error)}` });
    }
  }

  rememberCaret(field: PromptName, start: number, end: number): void {
    this.carets[field] = { start, end };
  }

  /** Puts the trigger where the prompt's caret last was (at the end when it has not been in the field). */
  insert(concept: ConceptInfo, field: PromptName): void {
    const form = this.generate.form;
    const text = form[field];
    const caret = this.carets[field] ?? { start: text.length, end: text.length };
    const result = insertWord(
      text,
      Math.min(caret.start, text.length),
      Math.min(caret.end, text.length),
      concept.trigger,
    );
    form[field] = result.text;
    this.carets[field] = { start: result.caret, end: result.caret };
    this.studio.notify({
      level: 'info',
      message: `Added ${concept.trigger} to the ${field === 'prompt' ? 'prompt' : 'negative prompt'}`,
    });
  }

  mediaUrl(media: string): string {
    return this.studio.api.mediaUrl(media);
  }

  /** Replaces the concept with the service's answer; returns the error in words, or null. */
  private async update(change: () => Promise<ConceptInfo>): Promise<string | null> {
    try {
      const updated = await change();
      this.items = this.items.map((c) => (c.id === updated.id ? updated : c)).sort(byTrigger);
      return null;
    } catch (error) {
      return describeError(error);
    }
  }

  private async loadWidths(): Promise<void> {
    for (const model of this.studio.info?.models ?? []) {
      if (this.widths[model.id] !== undefined) continue;
      try {
        const info = await this.studio.api.call('models.describe', { model: model.id });
        this.widths = { ...this.widths, [model.id]: info.textWidth };
      } catch {
        // A model that cannot be read fits no concept; the model picker says why.
      }
    }
  }
}

const byTrigger = (a: ConceptInfo, b: ConceptInfo) => a.trigger.toLowerCase().localeCompare(b.trigger.toLowerCase());

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const conceptsSlot = contextSlot<ConceptsState>('ConceptsState');
export const useConcepts = conceptsSlot.use;
