// gallery.savePlot through the contract (the transports' dispatch), on a real gallery in a temporary directory.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode, encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { dispatch } from '../api/dispatch';
import { readTextChunks, textChunk, insertAfterHeader } from '../formats/png/png-chunks';
import type { Handlers } from '../shared/contract';
import type { PlotSaveInput } from '../shared/xy-plot';
import { galleryHandlers } from './handlers';
import { fakeJob, tempGallery, type TempGallery } from './test-support/temp-gallery';

let t: TempGallery;
let ids: number[];
beforeEach(() => {
  t = tempGallery();
  ids = t.gallery.save(fakeJob({ batch: 6 })).map((saved) => saved.id);
});
afterEach(() => t.dispose());

const gridPng = (width: number, height: number) =>
  encode({ width, height, data: new Uint8Array(width * height * 3).fill(200), channels: 3, depth: 8 });
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A 2 × 3 guidance × scheduler plot of 64 px cells, drawn at 2× with room for labels. */
function plot(overrides: Partial<PlotSaveInput> = {}): PlotSaveInput {
  return {
    pngBase64: base64(gridPng(300, 430)),
    x: { kind: 'guidance', values: [3, 9], labels: ['Guidance: 3', 'Guidance: 9'] },
    y: { kind: 'scheduler', values: ['pndm', 'euler', 'ddim'], labels: ['PNDM', 'Euler', 'DDIM'] },
    base: {
      model: 'tiny',
      prompt: 'a red circle',
      negative: '',
      seed: '1',
      steps: 20,
      guidance: 7.5,
      scheduler: 'pndm',
      width: 64,
      height: 64,
      strength: null,
    },
    cells: ids.map((id, i) => ({ x: i % 2, y: Math.floor(i / 2), id })),
    ...overrides,
  };
}

async function save(input: unknown) {
  const handlers = galleryHandlers(t.gallery, () => {
    throw new Error('no jobs here');
  }) as Handlers;
  return dispatch(handlers, 'gallery.savePlot', input);
}

describe('a valid plot', () => {
  test('is written to plots/ in the data directory with its description in a text chunk', async () => {
    const outcome = await save(plot());
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const saved = outcome.result as { media: string; width: number; height: number; bytes: number };
    expect(saved.media).toMatch(/^plots\/\d{4}-\d{2}\/xy-plot-\d{8}T\d{6}-[0-9a-f]{6}\.png$/);
    expect([saved.width, saved.height]).toEqual([300, 430]);
    const file = path.join(t.dir, ...saved.media.split('/'));
    const bytes = readFileSync(file);
    expect(bytes.length).toBe(saved.bytes);
    expect(decode(bytes, { checkCrc: true })).toMatchObject({ width: 300, height: 430 });
    const description = JSON.parse(readTextChunks(bytes)['studio-xy-plot']);
    const { pngBase64: _png, ...expected } = plot();
    expect(description).toEqual({ version: 1, ...expected });
  });

  test('text the renderer left in its PNG is dropped: only the plot’s description is kept', async () => {
    const tagged = insertAfterHeader(gridPng(300, 430), [textChunk('parameters', 'a forged recipe')]);
    const outcome = await save(plot({ pngBase64: base64(tagged) }));
    if (!outcome.ok) throw new Error(outcome.error.message);
    const { media } = outcome.result as { media: string };
    expect(Object.keys(readTextChunks(readFileSync(path.join(t.dir, ...media.split('/')))))).toEqual([
      'studio-xy-plot',
    ]);
  });
});

describe('refused, with a reason, and nothing written', () => {
  const refusal = async (input: unknown) => {
    const outcome = await save(input);
    if (outcome.ok) throw new Error('expected a refusal');
    expect(existsSync(path.join(t.dir, 'plots'))).toBe(false);
    return outcome.error;
  };

  test.each([
    ['a cell missing', () => plot({ cells: plot().cells!.slice(1) }), /cells: must hold 6 cells \(2 × 3\)/],
    [
      'a cell outside the grid',
      () => plot({ cells: plot().cells!.map((c, i) => (i === 0 ? { ...c, x: 5 } : c)) }),
      /cell 5,0 is outside the 2 × 3 grid/,
    ],
    [
      'a cell twice',
      () => plot({ cells: plot().cells!.map((c, i) => (i === 1 ? { ...c, x: 0 } : c)) }),
      /cell 0,0 comes twice/,
    ],
    ['both axes the same', () => plot({ y: { kind: 'guidance', values: [1], labels: ['1'] } }), /must differ/],
    [
      'a value of the wrong kind',
      () => plot({ x: { kind: 'steps', values: [3, 9.5], labels: ['a', 'b'] } }),
      /x\.values\.1: not a steps value/,
    ],
    [
      'a label missing',
      () => plot({ x: { kind: 'guidance', values: [3, 9], labels: ['a'] } }),
      /x\.labels: must name every value/,
    ],
    [
      'an unknown scheduler',
      () => plot({ y: { kind: 'scheduler', values: ['heun', 'euler', 'ddim'], labels: ['a', 'b', 'c'] } }),
      /y\.values\.0: not a scheduler value/,
    ],
    ['an unknown field', () => ({ ...plot(), path: '/etc/passwd' }), /Unrecognized key/],
    ['not base64', () => plot({ pngBase64: 'not base64!' }), /pngBase64: must be base64/],
  ])('%s', async (_, input, message) => {
    const error = await refusal(input());
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(message);
  });

  test('a grid image that is not a PNG, or a damaged one', async () => {
    expect((await refusal(plot({ pngBase64: base64(Buffer.from('GIF89a…')) }))).message).toBe(
      'Invalid X/Y plot: the grid image is not a PNG',
    );
    const damaged = gridPng(300, 430);
    damaged[damaged.length - 20] ^= 0xff;
    expect((await refusal(plot({ pngBase64: base64(damaged) }))).message).toMatch(
      /^Invalid X\/Y plot: the grid image is a damaged PNG file/,
    );
  });

  test('a grid too small for its cells', async () => {
    const error = await refusal(plot({ pngBase64: base64(gridPng(100, 430)) }));
    expect(error.message).toBe('Invalid X/Y plot: a 100×430 grid cannot hold 2 × 3 cells of 64×64');
  });

  test('a cell naming a record the gallery does not hold', async () => {
    const cells = plot().cells!.map((c, i) => (i === 2 ? { ...c, id: 999_999 } : c));
    const error = await refusal(plot({ cells }));
    expect(error).toMatchObject({ code: 'not_found', message: 'No record 999999 in the gallery' });
  });
});
