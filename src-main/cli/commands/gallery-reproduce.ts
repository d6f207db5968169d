// `studio gallery reproduce ID`: makes the image again from its record (CPU provider: the reproducible one) and
// compares it with the stored file pixel by pixel.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createEngine, type GalleryGenerate } from '../../studio';
import { parseCommand, type CommandSpec } from '../args';
import { dataDirOption, resolveDataDir, type CliIo } from '../io';
import { resolveModelArg } from '../model-arg';
import { stepReporter } from '../progress';
import { parseId, withGallery } from './gallery-shared';

export const reproduceSpec = {
  name: 'gallery reproduce',
  summary: 'Make a record’s image again and compare it with the stored one, pixel by pixel.',
  usage: 'gallery reproduce ID [--model DIR] [--out FILE.png] [--json]',
  options: { model: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, ...dataDirOption },
  help: [],
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean' }>>;

export async function runReproduce(argv: string[], io: CliIo): Promise<number> {
  const { values: v, positionals } = parseCommand(reproduceSpec, argv);
  const id = parseId(positionals[0]);
  const dataDir = resolveDataDir(v.data);
  // The record names its execution path (the exact CPU path unless it says otherwise); the engine takes that one.
  const engine = createEngine({ providers: 'cpu', cacheDir: path.join(dataDir, 'cache'), log: io.error });
  const progress = stepReporter((t) => process.stderr.write(t), process.stderr.isTTY === true, 'reproduce');
  const generate: GalleryGenerate = async ({ model, params }) => {
    // The installed model of the record's name, or a folder given with --model; its hash must match either way.
    const dir = resolveModelArg(v.model ?? model.name, dataDir);
    if (v.model === undefined && !existsSync(dir)) {
      throw new Error(`model ${model.name} is not installed; name its folder with --model DIR`);
    }
    const { hash } = await engine.describeModel(dir);
    if (model.hash !== null && hash !== model.hash) {
      throw new Error(`model ${model.name} here has hash ${hash}, the record was made with ${model.hash}`);
    }
    return engine.generate(dir, params, { onStep: (s) => progress.step(s) });
  };
  try {
    const result = await withGallery(dataDir, (gallery) => gallery.reproduce(id), {
      reproduceWith: generate,
      log: io.error,
    });
    let file = path.join(dataDir, ...result.media.split('/'));
    if (v.out !== undefined) {
      const out = path.resolve(v.out);
      mkdirSync(path.dirname(out), { recursive: true });
      copyFileSync(file, out);
      file = out;
    }
    if (v.json) io.out(JSON.stringify({ id, identical: result.identical, max_diff: result.maxDiff, path: file }));
    else io.out(`${result.identical ? 'identical' : `different (max diff ${result.maxDiff})`}: ${file}`);
    return result.identical ? 0 : 1;
  } finally {
    await engine.dispose();
  }
}
