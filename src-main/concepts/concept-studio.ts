// The concept library's two links to the rest of the studio: the default model's vocabulary (triggers must not
// shadow its words) and a preview image made with the default model on import.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine';
import type { ConceptVectors, GenerateResult } from '../engine';
import { encodePngWithMetadata } from '../formats/png/png-metadata';
import { writeFileAtomic } from '../fs/write-file-atomic';
import type { GalleryGenerateRequest } from '../gallery';
import type { ModelLibrary } from '../models';
import type { ConceptInfo } from '../shared/concepts';

/** A trigger shadows a word when the default model's tokenizer makes it one known token. */
export function vocabularyCheck(inspector: Pick<Engine, 'tokenize'>, models: ModelLibrary) {
  return async (trigger: string): Promise<boolean> => {
    const model = models.defaultModel();
    if (!model) return false;
    const [empty, ids] = await Promise.all([inspector.tokenize(model.dir, ''), inspector.tokenize(model.dir, trigger)]);
    const eos = empty[1];
    return ids[1] !== eos && ids[2] === eos;
  };
}

/**
 * Renders the trigger alone (seed 0) with the chosen model, or the default one; an incompatible concept fails inside
 * the run and gets none.
 */
export function previewMaker(options: {
  dataDir: string;
  models: ModelLibrary;
  run: (request: GalleryGenerateRequest) => Promise<GenerateResult>;
}) {
  return async (concept: ConceptInfo, vectors: ConceptVectors, chosen?: string): Promise<string | null> => {
    const model = (chosen !== undefined ? options.models.resolve(chosen) : undefined) ?? options.models.defaultModel();
    if (!model) return null;
    const result = await options.run({
      model: { name: model.name, hash: null },
      params: { prompt: concept.trigger, seed: 0n, concepts: [vectors] },
    });
    const media = `concepts/previews/${concept.id}.png`;
    mkdirSync(path.join(options.dataDir, 'concepts', 'previews'), { recursive: true });
    const image = result.images[0];
    writeFileAtomic(path.join(options.dataDir, ...media.split('/')), encodePngWithMetadata(image, result.settings));
    return media;
  };
}
