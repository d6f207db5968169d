// `--concept FILE`: a textual-inversion embedding used for one command, without importing it into the library.
import { readFileSync } from 'node:fs';
import { MAX_CONCEPT_BYTES, readConceptFile, type ConceptVectors } from '../studio';

export function readConceptArgs(files: readonly string[] | undefined): ConceptVectors[] {
  return (files ?? []).map((file) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(`${file}: cannot read the concept (${reason})`, { cause: error });
    }
    if (bytes.length > MAX_CONCEPT_BYTES) throw new Error(`${file}: too large for an embedding`);
    try {
      const c = readConceptFile(new Uint8Array(bytes), file);
      return { trigger: c.trigger, vectors: c.vectors, count: c.count, width: c.width };
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
  });
}
