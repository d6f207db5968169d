// Test support: the model reproduce tests run: the bundled model when it is there, else the engine's tiny fixture.
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const candidates = [
  path.join(root, 'models', 'tiny-shapes'),
  path.join(root, 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd'),
];

/** The folder of the first model present, or null (tests then skip, saying why). */
export const testModelDir: string | null =
  candidates.find((dir) => existsSync(path.join(dir, 'model_index.json'))) ?? null;
export const noModelReason = `no model: neither ${candidates.map((c) => path.relative(root, c)).join(' nor ')} exists`;
