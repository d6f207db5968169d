// Keeps one concept-aware text encoder per engine, rebuilt only when the model or the enabled set changes
// (editing the table and creating the session is the slow part; the set's hash decides).
import type { ConceptVectors } from '../engine-types';
import type { GraphSession, SessionSettings } from '../onnx-session';
import type { PipelineModel } from '../pipeline';
import { conceptSetKey, openConceptTextEncoder, type ConceptTextEncoder } from './concept-text-encoder';

/** `textEncoderBytes`/`loraKey`: a text encoder with LoRAs merged, which the concept rows then build on. */
type Model = PipelineModel & { sessions: () => GraphSession[]; textEncoderBytes?: Uint8Array; loraKey?: string };

export interface ConceptCache {
  /** `model` with its tokenizer and text encoder swapped for concept-aware ones; `model` itself when no concepts. */
  apply<M extends Model>(model: M, concepts: readonly ConceptVectors[] | undefined): Promise<M>;
  release(): Promise<void>;
}

export function createConceptCache(settings: SessionSettings): ConceptCache {
  let current: { dir: string; key: string; encoder: Promise<ConceptTextEncoder> } | null = null;

  async function release(): Promise<void> {
    const previous = current;
    current = null;
    if (previous) await (await previous.encoder.catch(() => null))?.textEncoder.session.release();
  }

  return {
    async apply(model, concepts) {
      if (!concepts || concepts.length === 0) return model;
      const key = `${conceptSetKey(concepts)}+${model.loraKey ?? ''}`;
      const { dir, files } = model.description;
      if (current?.dir !== dir || current.key !== key) {
        await release();
        const encoder = openConceptTextEncoder(files, concepts, settings, model.textEncoderBytes);
        current = { dir, key, encoder };
        encoder.catch(() => {
          if (current?.encoder === encoder) current = null;
        });
      }
      const { tokenizer, textEncoder } = await current.encoder;
      return { ...model, tokenizer, textEncoder, sessions: () => [...model.sessions(), textEncoder.session] };
    },
    release,
  };
}
