// Model-folder fuzz: 129 copies of the committed fixture models, each damaged one way (a part missing, a config that
// is not JSON or not an object, a truncated or replaced graph, renamed inputs, external weights missing or short).
// Each must be refused with a ModelFolderError naming a file of that folder; nothing may crash the process.
// Folder-level damage is found by describing the folder, graph-level damage when the engine opens the model. Seeded.
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createEngine } from './engine';
import { ModelFolderError, readModelFolder } from './model-folder';

const fixtures = join(import.meta.dirname, 'test-fixtures', 'models');
const root = mkdtempSync(join(tmpdir(), 'model-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let state = 909;
const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const requiredFiles = [
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'text_encoder/model.onnx',
  'unet/model.onnx',
  'vae_decoder/model.onnx',
];
const jsonFiles = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'text_encoder/config.json',
  'unet/config.json',
  'vae_decoder/config.json',
  'vae_encoder/config.json',
  'tokenizer/tokenizer_config.json',
  'tokenizer/special_tokens_map.json',
];
const graphs = ['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx'];
/** Inputs each graph kind must declare; renamed with a same-length name, so the graph itself stays valid. */
const inputNames: Record<string, string> = {
  'text_encoder/model.onnx': 'input_ids',
  'unet/model.onnx': 'encoder_hidden_states',
  'vae_decoder/model.onnx': 'latent_sample',
};

let count = 0;
/** A copy made of hard links (copying megabytes a hundred times is most of the cost). Damage never writes through a
 * link: `replace` and `own` give the file its own inode first, so the fixtures never change. */
function copyOf(model: 'tiny-sd' | 'tiny-sd-external'): string {
  const source = join(fixtures, model);
  const dir = join(root, `m${count++}`);
  for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
    const from = join(entry.parentPath, entry.name);
    const to = join(dir, relative(source, from));
    if (entry.isDirectory()) mkdirSync(to, { recursive: true });
    else {
      mkdirSync(dirname(to), { recursive: true });
      linkSync(from, to);
    }
  }
  return dir;
}

function replace(file: string, content: string | Uint8Array): void {
  unlinkSync(file);
  writeFileSync(file, content);
}

function own(file: string): string {
  replace(file, readFileSync(file));
  return file;
}

const notJson = ['', '{"_class_name": "PNDMScheduler",', '\u0000\u00ff garbage', '{"a": 1}}', "{'single': 1}", 'NaN'];
const notObjects = ['[]', '[1, 2]', '42', '"a string"', 'null', 'true'];

/** Damage found by describing the folder: returns the folder and the file the refusal must name. */
const folderDamage: Record<string, (dir: string) => string> = {
  'missing part': (dir) => {
    const file = join(dir, pick(requiredFiles));
    unlinkSync(file);
    return file;
  },
  'missing model_index.json': (dir) => {
    unlinkSync(join(dir, 'model_index.json'));
    return dir;
  },
  'empty file': (dir) => {
    const file = own(join(dir, pick(requiredFiles)));
    truncateSync(file, 0);
    return file;
  },
  'folder instead of a file': (dir) => {
    const file = join(dir, pick(requiredFiles));
    unlinkSync(file);
    mkdirSync(file);
    return file;
  },
  'bad JSON config': (dir) => {
    const file = join(dir, pick(jsonFiles.slice(0, 6)));
    const text = readFileSync(file, 'utf8');
    replace(file, random() < 0.5 ? pick(notJson) : text.slice(0, Math.floor(random() * (text.length - 1))));
    return file;
  },
  'config not an object': (dir) => {
    const file = join(dir, pick(jsonFiles));
    replace(file, pick(notObjects));
    return file;
  },
  'unknown prediction type': (dir) => {
    const file = join(dir, 'scheduler', 'scheduler_config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    replace(file, JSON.stringify({ ...config, prediction_type: pick(['x0', 42, null, ['epsilon']]) }));
    return file;
  },
};

/** Damage found when the engine opens the model. */
const graphDamage: Record<string, (dir: string) => string> = {
  'truncated graph': (dir) => {
    const file = own(join(dir, pick(graphs)));
    truncateSync(file, Math.floor(statSync(file).size * (0.05 + 0.9 * random())));
    return file;
  },
  'a Git LFS pointer instead of the graph': (dir) => {
    const file = join(dir, pick(graphs));
    replace(file, 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 123\n');
    return file;
  },
  'renamed input': (dir) => {
    const graph = pick(graphs);
    const file = join(dir, graph);
    const name = inputNames[graph];
    const renamed = readFileSync(file)
      .toString('latin1')
      .replaceAll(name, `${name.slice(0, -1)}Z`);
    replace(file, Buffer.from(renamed, 'latin1'));
    return file;
  },
  'bad tokenizer vocabulary': (dir) => {
    replace(join(dir, 'tokenizer', 'vocab.json'), pick(['[1, 2]', '{"a": "b"', '{}']));
    return join(dir, 'tokenizer');
  },
};

const externalDamage: Record<string, (dir: string) => string> = {
  'external data missing': (dir) => {
    unlinkSync(join(dir, 'unet', 'weights.pb'));
    return join(dir, 'unet', 'weights.pb');
  },
  'external data short': (dir) => {
    const file = own(join(dir, 'unet', 'weights.pb'));
    truncateSync(file, Math.floor(statSync(file).size * random()));
    return file;
  },
};

function expectRefusal(error: unknown, dir: string, named: string, what: string): void {
  expect(error, what).toBeInstanceOf(ModelFolderError);
  const refusal = error as ModelFolderError;
  expect(refusal.file.startsWith(dir), `${what}: ${refusal.message}`).toBe(true);
  expect(refusal.message.startsWith(`${refusal.file}: `), what).toBe(true);
  if (named !== dir) expect(refusal.file, `${what}: ${refusal.message}`).toBe(named);
}

describe('damaged model folders', () => {
  test('105 folder-level faults: each refused naming the file', async () => {
    const kinds = Object.keys(folderDamage);
    for (let i = 0; i < 105; i++) {
      const kind = kinds[i % kinds.length];
      const dir = copyOf('tiny-sd');
      const named = folderDamage[kind](dir);
      const error = await readModelFolder(dir).catch((e: unknown) => e);
      expectRefusal(error, dir, named, `${i} ${kind}`);
      rmSync(dir, { recursive: true });
    }
  });

  test('24 graph-level faults: each refused by the engine naming the file, and the engine still works', async () => {
    const engine = createEngine({ providers: 'cpu', threads: 1 });
    const job = { prompt: 'a red circle', seed: 1n, steps: 1, width: 64, height: 64 };
    const kinds = [...Object.keys(graphDamage), ...Object.keys(externalDamage)];
    try {
      for (let i = 0; i < 24; i++) {
        const kind = kinds[i % kinds.length];
        const external = kind in externalDamage;
        const dir = copyOf(external ? 'tiny-sd-external' : 'tiny-sd');
        const named = (external ? externalDamage : graphDamage)[kind](dir);
        await readModelFolder(dir); // the folder still looks complete: the graphs tell
        const error = await engine.generate(dir, job).catch((e: unknown) => e);
        expectRefusal(error, dir, named, `${i} ${kind}`);
        rmSync(dir, { recursive: true });
      }
      const healthy = await engine.generate(join(fixtures, 'tiny-sd'), job);
      expect(healthy.images).toHaveLength(1);
    } finally {
      await engine.dispose();
    }
  });
});
