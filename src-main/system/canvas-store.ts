// The sketch canvas kept in the data directory (canvas/document.json) so that it outlives a reload and a restart.
// Written whole or not at all; a file that cannot be read back is moved aside and reported, never a crash.
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { canvasLimits, storedCanvasSchema, type CanvasLoadResult, type StoredCanvas } from '../shared/canvas';
import { StudioError } from '../shared/errors';

export interface CanvasStore {
  load(): CanvasLoadResult;
  save(canvas: StoredCanvas): { bytes: number };
}

export function createCanvasStore(dataDir: string, log: (message: string) => void = () => {}): CanvasStore {
  const dir = path.join(dataDir, 'canvas');
  const file = path.join(dir, 'document.json');

  function setAside(problem: string): CanvasLoadResult {
    const name = `document.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    renameSync(file, path.join(dir, name));
    log(`canvas: ${problem}; moved to canvas/${name}`);
    return { canvas: null, setAside: { file: `canvas/${name}`, problem } };
  }

  return {
    load() {
      if (!existsSync(file)) return { canvas: null };
      const bytes = statSync(file).size;
      if (bytes > canvasLimits.fileBytes)
        return setAside(`the stored canvas is ${bytes} bytes, more than the ${canvasLimits.fileBytes} allowed`);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        return setAside(`the stored canvas is not JSON (${(error as Error).message})`);
      }
      const parsed = storedCanvasSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return setAside(`the stored canvas is not valid: ${issue.path.join('.') || 'document'} ${issue.message}`);
      }
      return { canvas: parsed.data };
    },
    save(canvas) {
      const bytes = Buffer.from(JSON.stringify(canvas));
      if (bytes.length > canvasLimits.fileBytes)
        throw new StudioError(
          'invalid_input',
          `The canvas is ${bytes.length} bytes, more than ${canvasLimits.fileBytes}`,
        );
      writeFileAtomic(file, bytes);
      return { bytes: bytes.length };
    },
  };
}
