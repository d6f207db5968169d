// The gallery as the studio wires it: a finished job is saved by the gallery and `job.done` carries the ids; the
// contract's methods reach the service; reproduce runs a silent job through the queue.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { EventName, Events } from '../shared/contract';
import { withHeaderSize } from '../formats/png/test-support/png-craft';
import { createStudio, type Studio } from '../studio';
import { tempSuffix } from '../fs/write-file-atomic';
import { pixelHash, plainPng } from './png';
import { a1111Text, pngWithText } from './test-support/foreign-png';
import { pixels } from './test-support/temp-gallery';
import { testModelDir } from './test-support/test-model';

describe(`the studio’s gallery (${path.basename(testModelDir)})`, () => {
  let studio: Studio;
  let dataDir: string;
  const heard: { event: EventName; payload: unknown }[] = [];
  const model = path.basename(testModelDir);

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'studio-gallery-'));
    studio = createStudio({
      dataDir,
      appVersion: '0.0.0',
      bundledModelsDir: path.dirname(testModelDir),
      engineMode: 'inline',
      threads: 1,
    });
    studio.events.subscribe((event, payload) => heard.push({ event, payload }));
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, input: unknown) => {
    const outcome = await dispatch(studio.handlers, method, input);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.result as never;
  };
  const submitted = async (input: object) => ((await call('generate.submit', input)) as { jobId: string }).jobId;
  const done = (jobId: string) =>
    new Promise<Events['job.done']>((resolve, reject) => {
      const stop = studio.events.subscribe((event, payload) => {
        const p = payload as { jobId?: string };
        if (p.jobId !== jobId) return;
        if (event === 'job.done') resolve(payload as Events['job.done']);
        if (event === 'job.failed') reject(new Error(JSON.stringify(payload)));
        if (event === 'job.done' || event === 'job.failed') stop();
      });
    });

  test('generate → saved in the gallery, job.done carries the ids; reproduce, vary, reuse, export', async () => {
    const { jobId } = await call('generate.submit', {
      model,
      prompt: 'a red circle',
      seed: '99',
      steps: 3,
      batch: 2,
      width: 64,
      height: 64,
    });
    const job = await done(jobId);
    expect(job.images.map((i) => [typeof i.id, i.media.startsWith('gallery/'), i.index])).toEqual([
      ['number', true, 0],
      ['number', true, 1],
    ]);
    expect(heard.filter((h) => h.event === 'gallery.added')).toHaveLength(1);
    const page = await call('gallery.search', { query: 'red circle' });
    expect((page as { items: { id: number }[] }).items.map((r) => r.id)).toEqual([job.images[1].id, job.images[0].id]);

    heard.length = 0;
    const result = await call('gallery.reproduce', { id: String(job.images[1].id) });
    expect(result).toMatchObject({ identical: true, maxDiff: 0 });
    // Its job was the call's own business: no job events, nothing added.
    expect(heard).toEqual([]);

    const settings = await call('gallery.settings', { id: job.images[0].id });
    expect(settings).toEqual({
      model,
      prompt: 'a red circle',
      negative: '',
      seed: '99',
      steps: 3,
      guidance: 7.5,
      scheduler: expect.any(String),
      width: 64,
      height: 64,
      batch: 2,
    });
    const varied = (await call('gallery.vary', { id: job.images[0].id, seed: 5 })) as { jobId: string; seed: string };
    expect(varied.seed).toBe('5');
    const variation = await done(varied.jobId);
    expect(variation.settings.seed).toBe('5');
    // A variation remembers what it varied: the lineage shows it both ways.
    const child = (await call('gallery.get', { id: variation.images[0].id })) as { record: { parent: number } };
    expect(child.record.parent).toBe(job.images[0].id);
    const parent = (await call('gallery.get', { id: job.images[0].id })) as { children: { id: number }[] };
    expect(parent.children.map((c) => c.id)).toEqual(variation.images.map((i) => i.id));

    const exported = (await call('gallery.export', { ids: [job.images[0].id] })) as {
      folder: string;
      files: string[];
    };
    expect(exported.files).toHaveLength(2);
    for (const file of exported.files) expect(existsSync(path.join(dataDir, file))).toBe(true);
  });

  test('boards and presets through the contract; bad input is refused with typed errors', async () => {
    const board = (await call('boards.create', { name: 'Keepers' })) as { id: number };
    const outcome = await dispatch(studio.handlers, 'boards.create', { name: 'keepers' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await dispatch(studio.handlers, 'gallery.update', { ids: [], favorite: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await dispatch(studio.handlers, 'gallery.get', { id: 123456 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await call('boards.list', {})).toEqual([
      expect.objectContaining({ id: board.id, name: 'Keepers', count: 0 }),
    ]);
    const png = Buffer.from(pngWithText({ parameters: a1111Text })).toString('base64');
    const summary = await call('gallery.import', {
      files: [
        { name: 'fox.png', pngBase64: png },
        { name: 'x.png', pngBase64: 'AAAA' },
      ],
    });
    expect(summary).toMatchObject({ imported: 1, skipped: 0, failed: [{ file: 'x.png', error: 'not a PNG file' }] });
    const preset = (await call('presets.save', {
      name: 'p',
      params: { prompt: 'x', seedPolicy: 'fixed', seed: '3' },
    })) as { id: number };
    expect(await call('presets.apply', { id: preset.id })).toEqual({
      settings: { prompt: 'x', negative: '', seed: '3', batch: 1 },
      concepts: [],
    });
  });

  test('vary on a record whose stored settings break the request limits is invalid_input naming the field', async () => {
    // A1111 keeps prompts of any length; a request may carry at most 20,000 characters.
    const long = `${'a very long prompt, '.repeat(1250)}\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 9, Size: 64x64`;
    const png = Buffer.from(pngWithText({ parameters: long }, 7)).toString('base64');
    const summary = (await call('gallery.import', { files: [{ name: 'long.png', pngBase64: png }] })) as {
      ids: number[];
    };
    const outcome = await dispatch(studio.handlers, 'gallery.vary', { id: summary.ids[0], seed: 1 });
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/^Invalid input for gallery\.vary: prompt: .*20000 characters$/),
        details: { issues: [{ path: ['prompt'] }] },
      },
    });
  });

  test('generate.submit refuses an init image whose header says 30000×30000 before decoding it', async () => {
    const small = Buffer.from(pngWithText({}, 3, 8, 8));
    const bomb = Buffer.from(withHeaderSize(small, 30000, 30000)).toString('base64');
    const outcome = await dispatch(studio.handlers, 'generate.submit', {
      model,
      prompt: 'a red circle',
      initImage: { pngBase64: bomb },
      strength: 0.5,
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^initImage: the image is 30000×30000 pixels/) },
    });
  });

  test('a full disk while saving fails the job naming the file; the gallery stays as it was', async () => {
    // The init image is stored first, at a name made of its pixels: its temp file, made a link to /dev/full, meets
    // a real ENOSPC from the kernel.
    const image = { rgb: pixels(5, 64, 64), width: 64, height: 64 };
    const media = `gallery/inits/${pixelHash(image)}.png`;
    const file = path.join(dataDir, ...media.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    symlinkSync('/dev/full', `${file}.${process.pid}${tempSuffix}`);
    const listing = () => readdirSync(path.join(dataDir, 'gallery'), { recursive: true, encoding: 'utf8' }).sort();
    const before = { rows: await call('gallery.list', {}), files: listing() };

    const { jobId } = await call('generate.submit', {
      model,
      prompt: 'a red circle',
      seed: '4',
      steps: 2,
      width: 64,
      height: 64,
      strength: 0.5,
      initImage: { pngBase64: Buffer.from(plainPng(image)).toString('base64') },
    });
    const outcome = await new Promise<unknown>((resolve) => {
      const stop = studio.events.subscribe((event, payload) => {
        if ((payload as { jobId?: string }).jobId !== jobId) return;
        if (event === 'job.failed' || event === 'job.done') {
          stop();
          resolve({ event, payload });
        }
      });
    });
    expect(outcome).toEqual({
      event: 'job.failed',
      payload: {
        jobId,
        error: {
          code: 'generation_failed',
          message: `Could not save the images: the disk is full: cannot write ${media} in ${dataDir} (ENOSPC)`,
        },
      },
    });
    expect({ rows: await call('gallery.list', {}), files: listing() }).toEqual({
      ...before,
      files: before.files.filter((f) => !f.endsWith(tempSuffix)),
    });
  });

  test('gallery.readPng shows what a PNG carries without importing it; refusals name the problem', async () => {
    const before = await call('gallery.list', {});
    const png = Buffer.from(pngWithText({ parameters: a1111Text }, 11, 40, 24)).toString('base64');
    const info = await call('gallery.readPng', { pngBase64: png });
    expect(info).toMatchObject({
      source: 'a1111',
      metadata: 'complete',
      prompt: expect.stringContaining('a (red:1.2) fox'),
      negative: 'blurry, lowres,\nbad hands',
      seed: '3141592653',
      steps: 28,
      guidance: 6.5,
      scheduler: 'dpmpp-2m-karras',
      width: 512,
      height: 768,
      model: 'v1-5-pruned-emaonly',
      parameters: a1111Text,
      settings: { seed: '3141592653', steps: 28, guidance: 6.5, width: 512, height: 768, batch: 1 },
    });
    expect(await call('gallery.list', {})).toEqual(before);

    const plain = await call('gallery.readPng', {
      pngBase64: Buffer.from(pngWithText({}, 2, 24, 16)).toString('base64'),
    });
    expect(plain).toMatchObject({ source: 'unknown', metadata: 'none', width: 24, height: 16, parameters: null });

    expect(await dispatch(studio.handlers, 'gallery.readPng', { pngBase64: 'AAAA' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: 'This file is not a PNG image' },
    });
    const bomb = Buffer.from(withHeaderSize(Buffer.from(pngWithText({}, 3, 8, 8)), 30000, 30000)).toString('base64');
    expect(await dispatch(studio.handlers, 'gallery.readPng', { pngBase64: bomb })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/^This PNG cannot be read: the image is 30000×30000/),
      },
    });
    expect(await dispatch(studio.handlers, 'gallery.readPng', { pngBase64: 'not base64!' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  test('a job that names its parent is saved as its child; a parent that is gone is dropped', async () => {
    const small = { model, steps: 2, width: 64, height: 64 };
    const first = await done(await submitted({ ...small, prompt: 'a blue square', seed: '8' }));
    // A sketch over the image: other pixels than the parent's, so only the named parent links them.
    const sketch = Buffer.from(plainPng({ rgb: pixels(21, 64, 64), width: 64, height: 64 })).toString('base64');
    const child = await done(
      await submitted({
        ...small,
        prompt: 'a blue square, sketched over',
        seed: '9',
        strength: 0.6,
        initImage: { pngBase64: sketch },
        parent: first.images[0].id,
      }),
    );
    const detail = (await call('gallery.get', { id: child.images[0].id })) as { ancestors: { id: number }[] };
    expect(detail.ancestors.map((a) => a.id)).toEqual([first.images[0].id]);

    const orphan = await done(await submitted({ ...small, prompt: 'x', seed: '1', parent: 999999 }));
    const record = (await call('gallery.get', { id: orphan.images[0].id })) as { record: { parent: number | null } };
    expect(record.record.parent).toBeNull();
  });
});
