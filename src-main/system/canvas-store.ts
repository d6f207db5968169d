// The sketch canvas kept in the data directory so that it outlives a reload and a restart: canvas/document.json and
// its pictures as canvas/pictures/KEY.png. Written whole or not at all; a document that cannot be read back is moved
// aside and reported, never a crash.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/write-file-atomic';
import { canvasLimits, storedCanvasSchema, type CanvasLoadResult, type StoredCanvas } from '../shared/canvas';
import { StudioError } from '../shared/errors';

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface CanvasStore {
  load(): CanvasLoadResult;
  /** `key` is checked by the contract (a–z, 0–9, -), so it is a safe file name. */
  putImage(key: string, pngBase64: string): { bytes: number };
  save(canvas: StoredCanvas): { bytes: number };
}

export function createCanvasStore(dataDir: string, log: (message: string) => void = () => {}): CanvasStore {
  const dir = path.join(dataDir, 'canvas');
  const file = path.join(dir, 'document.json');
  const picturesDir = path.join(dir, 'pictures');
  const pictureFile = (key: string) => path.join(picturesDir, `${key}.png`);

  function setAside(problem: string): CanvasLoadResult {
    const name = `document.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    renameSync(file, path.join(dir, name));
    log(`canvas: ${problem}; moved to canvas/${name}`);
    return { canvas: null, images: {}, setAside: { file: `canvas/${name}`, problem } };
  }

  return {
    load() {
      if (!existsSync(file)) return { canvas: null, images: {} };
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
      const images: Record<string, string> = {};
      for (const key of parsed.data.images) {
        if (!existsSync(pictureFile(key))) return setAside(`the stored canvas's picture ${key}.png is missing`);
        const png = readFileSync(pictureFile(key));
        if (!png.subarray(0, 8).equals(pngSignature)) return setAside(`the stored picture ${key}.png is not a PNG`);
        images[key] = png.toString('base64');
      }
      return { canvas: parsed.data, images };
    },
    putImage(key, pngBase64) {
      const bytes = Buffer.from(pngBase64, 'base64');
      writeFileAtomic(pictureFile(key), bytes);
      return { bytes: bytes.length };
    },
    save(canvas) {
      const missing = canvas.images.filter((key) => !existsSync(pictureFile(key)));
      if (missing.length > 0)
        throw new StudioError('invalid_input', `The canvas names pictures not stored yet: ${missing.join(', ')}`, {
          missing,
        });
      const bytes = Buffer.from(JSON.stringify(canvas));
      if (bytes.length > canvasLimits.fileBytes)
        throw new StudioError(
          'invalid_input',
          `The canvas is ${bytes.length} bytes, more than ${canvasLimits.fileBytes}`,
        );
      writeFileAtomic(file, bytes);
      // Pictures no step of the history names any more are let go, once the document that dropped them is written.
      const kept = new Set(canvas.images.map((key) => `${key}.png`));
      for (const name of existsSync(picturesDir) ? readdirSync(picturesDir) : [])
        if (!kept.has(name)) rmSync(path.join(picturesDir, name), { force: true });
      return { bytes: bytes.length };
    },
  };
}
