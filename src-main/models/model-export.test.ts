// models.export: an installed model written as a diffusers ONNX folder, its concepts and LoRAs listed; the folder added back
// (or pushed to a Hub and downloaded again) generates the same pixels as the original.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { createEngine } from '../engine';
import type { ConceptInfo } from '../shared/concepts';
import type { LoraInfo } from '../shared/loras';
import type { DownloadStarted, ModelDetails, ModelExportResult } from '../shared/models';
import { studioUnderTest } from '../test-support/studio-under-test';
import { repoFromFolder, startFakeHub } from './hub/test-support/fake-hub';
import { loraSection } from './model-export';

const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const conceptFixtures = path.join(appRoot(), 'src-main', 'concepts', 'fixtures');
const loraFixtures = path.join(appRoot(), 'src-main', 'engine', 'lora', 'fixtures');
const jobs = studioUnderTest('export', { conceptPreviews: false });
const out = path.join(jobs.dataDir, 'exports-here');
let original: ModelDetails;
let triStyle: ConceptInfo;

const importConcept = (dir: string, name: string) =>
  jobs.call<ConceptInfo>('concepts.import', { name, base64: readFileSync(path.join(dir, name)).toString('base64') });

beforeAll(async () => {
  // The model under its own name, so that the export's card says which model it is.
  const own = path.join(jobs.dataDir, 'elsewhere', 'tiny-sd');
  cpSync(tinySd, own, { recursive: true });
  original = await jobs.call<ModelDetails>('models.add', { path: own });
  triStyle = await importConcept(conceptFixtures, 'tri-style.pt');
  // 256 wide: for the bundled model, not for tiny-sd (32): not listed with it.
  await importConcept(path.join(appRoot(), 'models', 'tiny-shapes', 'concepts'), 'heart.safetensors');
  await jobs.call<LoraInfo>('loras.import', {
    file: 'tiny-kohya.safetensors',
    base64: readFileSync(path.join(loraFixtures, 'tiny-kohya.safetensors')).toString('base64'),
  });
});
afterAll(() => jobs.close());

describe('models.export', () => {
  const target = path.join(out, 'tiny-export');

  it('writes the pipeline files, diffusers’ model_index.json and a card listing the model’s concepts and LoRAs', async () => {
    const result = await jobs.call<ModelExportResult>('models.export', { model: 'tiny-sd', dir: target });
    const written = readdirSync(target, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(target, path.join(e.parentPath, e.name)))
      .sort();
    const source = [...repoFromFolder(tinySd).files.keys()];
    expect(written).toEqual([...source, 'README.md', 'studio.json'].sort());
    expect(result).toMatchObject({ dir: target, files: written.length });
    for (const file of source) {
      expect(readFileSync(path.join(target, file)).equals(readFileSync(path.join(tinySd, file))), file).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(target, 'model_index.json'), 'utf8'))._class_name).toBe(
      'OnnxStableDiffusionPipeline',
    );

    const metadata = JSON.parse(readFileSync(path.join(target, 'studio.json'), 'utf8'));
    expect(metadata).toEqual({
      exportedBy: 'Diffusion Studio 0.0.0',
      model: { name: 'tiny-sd', hash: original.hash },
      concepts: [{ trigger: 'tri-style', sha256: triStyle.id, vectors: 3, file: 'tri-style.pt', enabled: true }],
      // The fixture LoRA names SD 1.x as its base (768 wide): not for tiny-sd (32).
      loras: [],
    });
    const card = readFileSync(path.join(target, 'README.md'), 'utf8');
    expect(card).toMatch(/^---\nlibrary_name: diffusers\n/);
    expect(card).toContain(`- trigger: tri-style, sha256: ${triStyle.id}, vectors: 3`);
    expect(card).not.toContain('heart');
    expect(card).toContain('## LoRAs\n\nNone.');
    // Nothing is left beside the target.
    expect(readdirSync(out)).toEqual(['tiny-export']);
  });

  it('refuses a folder that is not empty, a file, and an unknown model; takes an empty folder', async () => {
    await expect(jobs.call('models.export', { model: 'tiny-sd', dir: target })).rejects.toMatchObject({
      code: 'conflict',
      message: `${target} is not empty: export into a new or empty folder`,
    });
    const file = path.join(out, 'a-file');
    writeFileSync(file, 'x');
    await expect(jobs.call('models.export', { model: 'tiny-sd', dir: file })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(jobs.call('models.export', { model: 'nothing', dir: path.join(out, 'n') })).rejects.toMatchObject({
      code: 'not_found',
    });
    const empty = path.join(out, 'empty');
    mkdirSync(empty);
    await jobs.call('models.export', { model: 'tiny-sd', dir: empty });
    expect(readdirSync(empty)).toContain('model_index.json');
  });

  it('round-trips: the exported folder, added back or downloaded from a Hub, gives the same image', async () => {
    const back = await jobs.call<ModelDetails>('models.add', { path: target });
    expect(back).toMatchObject({ problems: [], hash: original.hash });

    const hub = await startFakeHub();
    try {
      hub.repos.set('me/tiny-export', repoFromFolder(target, 'b'.repeat(40)));
      await jobs.call('settings.set', { key: 'hubEndpoint', value: hub.endpoint });
      const done = new Promise<void>((resolve, reject) =>
        jobs.studio.events.subscribe((event, payload) => {
          if (event === 'models.download.done') resolve();
          if (event === 'models.download.failed') reject(new Error((payload as { message: string }).message));
        }),
      );
      await jobs.call<DownloadStarted>('models.download', { repo: 'me/tiny-export', name: 'from-hub' });
      await done;
    } finally {
      await hub.close();
    }

    const engine = createEngine({ providers: 'cpu', threads: 1 });
    try {
      const params = { prompt: 'a red circle', seed: 42n, steps: 3 };
      const dirOf = (idOrName: string) => jobs.studio.models.resolve(idOrName)!.dir;
      const [first, again, downloaded] = [
        await engine.generate(dirOf(original.id), params),
        await engine.generate(dirOf(back.id), params),
        await engine.generate(dirOf('from-hub'), params),
      ];
      expect(dirOf(back.id)).toBe(target);
      expect(Buffer.from(again.images[0].rgb).equals(Buffer.from(first.images[0].rgb))).toBe(true);
      expect(Buffer.from(downloaded.images[0].rgb).equals(Buffer.from(first.images[0].rgb))).toBe(true);
    } finally {
      await engine.dispose();
    }
  }, 120_000);
});

describe('loraSection', () => {
  const lora = (name: string, baseModel: LoraInfo['baseModel']): LoraInfo => ({
    id: name.padEnd(64, '0'),
    name,
    sourceName: `${name}.safetensors`,
    naming: 'kohya',
    unetModules: 1,
    textEncoderModules: 0,
    rank: 4,
    baseModel,
    triggerWords: [],
    bytes: 1,
    created: 0,
  });
  const all = [lora('one', 'sd1'), lora('two', 'sd2'), lora('who', 'unknown')];

  it('lists the LoRAs of the model’s family (by its text encoder’s width) and those of unknown family', () => {
    expect(loraSection(all, 768).entries.map((e) => e.name)).toEqual(['one', 'who']);
    expect(loraSection(all, 1024).entries.map((e) => e.name)).toEqual(['two', 'who']);
    expect(loraSection(all, 32).entries).toEqual([
      { name: 'who', sha256: all[2].id, rank: 4, base: 'unknown', file: 'who.safetensors' },
    ]);
  });
});
