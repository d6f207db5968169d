// `studio generate` and `studio tokenize` as a person runs them: outputs, reproducibility, and every bad input
// answered with the right exit code and a one-line message.
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { listAvailableProviders } from '../engine';
import { decodePngRgb, readPngMetadata } from '../formats/png/png-metadata';
import { runCli } from './test-support/run-cli';

const model = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-gen-'));
const data = path.join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = ['generate', '--model', model, '--prompt', 'a red circle', '--steps', '4', '--data', data];

describe('studio generate', () => {
  it('writes a PNG with its settings, and the same command twice gives identical pixels', async () => {
    const a = await runCli([...base, '--seed', '123', '--out', path.join(dir, 'a.png')]);
    const b = await runCli([...base, '--seed', '123', '--out', path.join(dir, 'b.png')]);
    expect(a.code).toBe(0);
    expect(a.out).toEqual([path.join(dir, 'a.png')]);
    const pa = decodePngRgb(readFileSync(path.join(dir, 'a.png')));
    const pb = decodePngRgb(readFileSync(path.join(dir, 'b.png')));
    expect(Buffer.from(pa.rgb).equals(Buffer.from(pb.rgb))).toBe(true);
    expect(b.code).toBe(0);
    const meta = readPngMetadata(readFileSync(path.join(dir, 'a.png')));
    expect(meta.parameters).toMatch(/^a red circle\nSteps: 4, Sampler: PLMS, CFG scale: 7.5, Seed: 123, Size: 64x64/);
  });

  it('prints one JSON object per image of a batch with --json', async () => {
    const r = await runCli([
      ...base,
      '--seed',
      '5',
      '--batch',
      '2',
      '--scheduler',
      'euler-a',
      '--json',
      '--out',
      path.join(dir, 'batch.png'),
    ]);
    expect(r.code).toBe(0);
    const lines = r.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.path)).toEqual([path.join(dir, 'batch-0.png'), path.join(dir, 'batch-1.png')]);
    expect(lines[0]).toMatchObject({
      seed: '5',
      index: 0,
      provider: 'cpu',
      settings: { scheduler: 'euler-a', batch: 2, steps: 4 },
    });
    expect(lines[1]).toMatchObject({ index: 1 });
  });

  it('runs img2img from a PNG of the right size', async () => {
    const init = path.join(dir, 'init.png');
    writeFileSync(init, encode({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(200), channels: 3 }));
    const r = await runCli([
      ...base,
      '--init-image',
      init,
      '--strength',
      '0.6',
      '--json',
      '--out',
      path.join(dir, 'i2i.png'),
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ settings: { strength: 0.6 } });
  });

  it('inpaints with --mask: the pixels far from the mask keep the init image, the mask is recorded', async () => {
    const init = path.join(dir, 'inpaint-init.png');
    const rgb = new Uint8Array(64 * 64 * 3).fill(120);
    writeFileSync(init, encode({ width: 64, height: 64, data: rgb, channels: 3 }));
    const mask = path.join(dir, 'mask.png');
    const grey = new Uint8Array(64 * 64);
    for (let y = 0; y < 64; y++) grey.fill(255, y * 64 + 32, y * 64 + 64);
    writeFileSync(mask, encode({ width: 64, height: 64, data: grey, channels: 1 }));
    const job = [...base, '--seed', '9', '--init-image', init, '--mask', mask];
    const out = path.join(dir, 'inpainted.png');
    const r = await runCli([...job, '--mask-blur', '2', '--json', '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ settings: { mask: { blur: 2, keepDecoded: false } } });
    const image = decodePngRgb(readFileSync(out));
    // σ = 2 reaches 6 px: columns 0 … 25 are the init image's exactly; the right half is repainted.
    let keptDiffer = 0;
    let repainted = 0;
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const same = [0, 1, 2].every((c) => image.rgb[(y * 64 + x) * 3 + c] === 120);
        if (x < 26 && !same) keptDiffer++;
        if (x >= 32 && !same) repainted++;
      }
    expect(keptDiffer).toBe(0);
    expect(repainted).toBeGreaterThan(500);
    expect(readPngMetadata(readFileSync(out)).parameters).toMatch(/Denoising strength: 0.75, Mask blur: 2$/);

    const decoded = await runCli([...job, '--keep-decoded', '--json', '--out', out]);
    expect(decoded.code).toBe(0);
    expect(JSON.parse(decoded.out[0])).toMatchObject({ settings: { mask: { blur: 4, keepDecoded: true } } });

    // Saved in the gallery, the mask is kept beside the init image, and reproduce makes the same pixels.
    const saved = await runCli([...job, '--mask-blur', '3', '--save', '--json']);
    expect(saved.code).toBe(0);
    const { id } = JSON.parse(saved.out[0]) as { id: number };
    const again = await runCli(['gallery', 'reproduce', String(id), '--model', model, '--json', '--data', data]);
    expect(again.error.filter((l) => !l.includes('step'))).toEqual([]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out[0])).toMatchObject({ identical: true, max_diff: 0 });
  });

  it('inpaints only the masked area with --inpaint-area masked, records it, and reproduces it', async () => {
    const init = path.join(dir, 'masked-init.png');
    writeFileSync(init, encode({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(90), channels: 3 }));
    const mask = path.join(dir, 'corner.png');
    const grey = new Uint8Array(64 * 64);
    for (let y = 4; y < 12; y++) grey.fill(255, y * 64 + 4, y * 64 + 12);
    writeFileSync(mask, encode({ width: 64, height: 64, data: grey, channels: 1 }));
    const job = ['--seed', '4', '--init-image', init, '--mask', mask, '--inpaint-area', 'masked'];
    const out = path.join(dir, 'only-masked.png');
    const r = await runCli([...base, ...job, '--inpaint-padding', '6', '--json', '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ settings: { mask: { inpaintArea: 'masked', inpaintPadding: 6 } } });
    expect(readPngMetadata(readFileSync(out)).parameters).toMatch(
      /Mask blur: 4, Inpaint area: Only masked, Masked area padding: 6$/,
    );
    // Blurred (reach 12) the square's box is [0, 24)², padded [0, 30)²: nothing beyond it changes.
    const image = decodePngRgb(readFileSync(out));
    let outside = 0;
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const o = (y * 64 + x) * 3;
        if ((x >= 30 || y >= 30) && [0, 1, 2].some((c) => image.rgb[o + c] !== 90)) outside++;
      }
    expect(outside).toBe(0);

    const saved = await runCli([...base, ...job, '--save', '--json']);
    expect(saved.code).toBe(0);
    const { id } = JSON.parse(saved.out[0]) as { id: number };
    const again = await runCli(['gallery', 'reproduce', String(id), '--model', model, '--json', '--data', data]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out[0])).toMatchObject({ identical: true, max_diff: 0 });
  });

  it.each(['tiny-sd', 'tiny-sd-inpaint'])(
    'inpaints only the masked area of a 128×96 init image at 64×64 (%s): same-size result, reproducible',
    async (name) => {
      const modelDir = path.join(path.dirname(model), name);
      const init = path.join(dir, `${name}-wide-init.png`);
      writeFileSync(init, encode({ width: 128, height: 96, data: new Uint8Array(128 * 96 * 3).fill(90), channels: 3 }));
      const mask = path.join(dir, `${name}-wide-mask.png`);
      const grey = new Uint8Array(128 * 96);
      for (let y = 40; y < 56; y++) grey.fill(255, y * 128 + 80, y * 128 + 96);
      writeFileSync(mask, encode({ width: 128, height: 96, data: grey, channels: 1 }));
      const job = ['generate', '--model', modelDir, '--prompt', 'a red circle', '--steps', '4', '--data', data];
      job.push('--seed', '6', '--init-image', init, '--mask', mask, '--inpaint-area', 'masked');
      job.push('--inpaint-padding', '8', '--mask-blur', '2', '--width', '64', '--height', '64');
      const out = path.join(dir, `${name}-wide.png`);
      const r = await runCli([...job, '--json', '--out', out]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out[0])).toMatchObject({
        settings: { width: 64, height: 64, mask: { inpaintArea: 'masked' } },
      });
      const image = decodePngRgb(readFileSync(out));
      expect([image.width, image.height]).toEqual([128, 96]);
      // The square [80, 96) × [40, 56), blurred (reach 6) and padded by 8: [66, 110) × [26, 70), already square.
      let outside = 0;
      let repainted = 0;
      for (let y = 0; y < 96; y++)
        for (let x = 0; x < 128; x++) {
          const same = [0, 1, 2].every((c) => image.rgb[(y * 128 + x) * 3 + c] === 90);
          if ((x < 66 || x >= 110 || y < 26 || y >= 70) && !same) outside++;
          if (x >= 80 && x < 96 && y >= 40 && y < 56 && !same) repainted++;
        }
      expect(outside).toBe(0);
      expect(repainted).toBeGreaterThan(100);

      const saved = await runCli([...job, '--save', '--json']);
      expect(saved.code).toBe(0);
      const { id } = JSON.parse(saved.out[0]) as { id: number };
      const again = await runCli(['gallery', 'reproduce', String(id), '--model', modelDir, '--json', '--data', data]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.out[0])).toMatchObject({ identical: true, max_diff: 0 });
    },
  );

  it('inpaints with an inpainting model (9-channel UNet): same options, its own pipeline, and reproduce', async () => {
    const inpaintModel = path.join(path.dirname(model), 'tiny-sd-inpaint');
    const inpaintBase = ['generate', '--model', inpaintModel, '--prompt', 'a red circle', '--steps', '4'];
    const init = path.join(dir, 'unet9-init.png');
    writeFileSync(init, encode({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(70), channels: 3 }));
    const mask = path.join(dir, 'unet9-mask.png');
    const grey = new Uint8Array(64 * 64);
    for (let y = 0; y < 64; y++) grey.fill(255, y * 64, y * 64 + 24);
    writeFileSync(mask, encode({ width: 64, height: 64, data: grey, channels: 1 }));
    const job = [...inpaintBase, '--data', data, '--seed', '11', '--init-image', init, '--mask', mask];
    const out = path.join(dir, 'unet9.png');
    const r = await runCli([...job, '--strength', '1', '--mask-blur', '1', '--json', '--out', out]);
    // The model's first job: Automatic's measurement says what it found; nothing else is said.
    const said = r.error.filter((l) => !l.includes('step') && !/^(webgpu: unavailable|auto provider for)/.test(l));
    expect(said).toEqual([]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out[0])).toMatchObject({ settings: { strength: 1, mask: { blur: 1, keepDecoded: false } } });
    // σ = 1 reaches 3 px: columns 27 … 63 keep the init image; the left columns are repainted.
    const image = decodePngRgb(readFileSync(out));
    let keptDiffer = 0;
    let repainted = 0;
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const same = [0, 1, 2].every((c) => image.rgb[(y * 64 + x) * 3 + c] === 70);
        if (x >= 27 && !same) keptDiffer++;
        if (x < 24 && !same) repainted++;
      }
    expect(keptDiffer).toBe(0);
    expect(repainted).toBeGreaterThan(500);

    const saved = await runCli([...job, '--save', '--json']);
    expect(saved.code).toBe(0);
    const { id } = JSON.parse(saved.out[0]) as { id: number };
    const again = await runCli(['gallery', 'reproduce', String(id), '--model', inpaintModel, '--json', '--data', data]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out[0])).toMatchObject({ identical: true, max_diff: 0 });

    // Without a mask the model has nothing to inpaint: refused, naming what it needs.
    const plain = await runCli([...inpaintBase, '--data', data, '--out', path.join(dir, 'unet9-txt2img.png')]);
    expect(plain.code).toBe(1);
    expect(plain.error.at(-1)).toMatch(/is an inpainting model \(its UNet takes 9 channels\): give it an init image/);
  });

  it.each([
    [['--mask', 'm.png'], /^studio generate: option --mask needs --init-image$/],
    [['--mask-blur', '2'], /^studio generate: option --mask-blur needs --mask$/],
    [['--keep-decoded'], /^studio generate: option --keep-decoded needs --mask$/],
    [['--init-image', 'i.png', '--mask', 'm.png', '--mask-blur', '65'], /option --mask-blur must be/],
    [['--init-image', 'i.png', '--mask', 'm.png', '--mask-blur', 'x'], /option --mask-blur/],
    [['--inpaint-area', 'masked'], /^studio generate: option --inpaint-area needs --mask$/],
    [['--inpaint-padding', '8'], /^studio generate: option --inpaint-padding needs --mask$/],
    [['--init-image', 'i.png', '--mask', 'm.png', '--inpaint-area', 'crop'], /option --inpaint-area must be/],
    [['--init-image', 'i.png', '--mask', 'm.png', '--inpaint-padding', '257'], /option --inpaint-padding must be/],
    [['--init-image', 'i.png', '--mask', 'm.png', '--inpaint-padding', '-1'], /option --inpaint-padding/],
  ])('exits 2 for the inpainting options %j', async (extra, message) => {
    const r = await runCli([...base, '--out', path.join(dir, 'x.png'), ...extra]);
    expect(r.code).toBe(2);
    expect(r.error.at(-1)).toMatch(message);
  });

  it('exits 1 naming the mask file when it is missing, not a PNG or of another size', async () => {
    const init = path.join(dir, 'mask-init.png');
    writeFileSync(init, encode({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3), channels: 3 }));
    const missing = path.join(dir, 'no-mask.png');
    const notPng = path.join(dir, 'mask.txt');
    writeFileSync(notPng, 'not a png');
    const small = path.join(dir, 'small-mask.png');
    writeFileSync(small, encode({ width: 32, height: 32, data: new Uint8Array(32 * 32), channels: 1 }));
    const cases: [string, RegExp][] = [
      [missing, /cannot read the mask \(ENOENT\)/],
      [notPng, /./],
      [small, /the mask is 32×32, the init image 64×64/],
    ];
    for (const [file, message] of cases) {
      const r = await runCli([...base, '--init-image', init, '--mask', file, '--out', path.join(dir, 'x.png')]);
      expect(r.code).toBe(1);
      expect(r.error.at(-1)).toContain(`studio generate: ${file}: `);
      expect(r.error.at(-1)).toMatch(message);
    }
  });

  it.each([
    [['--width', '100'], /^studio generate: option --width must be a multiple of 8, got 100$/],
    [['--strength', '0', '--init-image', 'x.png'], /option --strength must be above 0 and at most 1/],
    [['--strength', '1.5', '--init-image', 'x.png'], /option --strength must be above 0 and at most 1/],
    [['--scheduler', 'heun'], /option --scheduler must be one of pndm, .*, got 'heun'/],
    [['--seed', '18446744073709551616'], /option --seed must be a whole number from 0 to 2\^64-1/],
    [['--seed', '-1'], /option --seed/],
    [['--steps', '0'], /option --steps must be between 1 and 150/],
    [['--batch', '17'], /option --batch must be between 1 and 16/],
    [['--prompt', 'x'.repeat(20_001)], /^studio generate: option --prompt must be at most 20000 characters/],
    [['--negative', 'x'.repeat(20_001)], /^studio generate: option --negative must be at most 20000 characters/],
    [['--provider', 'tpu'], /option --provider must be one of/],
    [['--colour', 'red'], /unknown option --colour/],
  ])('exits 2 for %j', async (extra, message) => {
    const r = await runCli([...base, '--out', path.join(dir, 'x.png'), ...extra]);
    expect(r.code).toBe(2);
    expect(r.error.at(-1)).toMatch(message);
  });

  it('exits 1 naming the file for a missing folder, a truncated model and a wrong-size init image', async () => {
    const missing = await runCli([
      'generate',
      '--model',
      path.join(dir, 'nope'),
      '--prompt',
      'x',
      '--out',
      path.join(dir, 'x.png'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.error.at(-1)).toBe(`studio generate: ${path.join(dir, 'nope')}: no such folder`);

    const broken = path.join(dir, 'broken');
    cpSync(model, broken, { recursive: true });
    truncateSync(path.join(broken, 'unet', 'model.onnx'), 1000);
    const truncated = await runCli([
      'generate',
      '--model',
      broken,
      '--prompt',
      'x',
      '--seed',
      '1',
      '--out',
      path.join(dir, 'x.png'),
    ]);
    expect(truncated.code).toBe(1);
    expect(truncated.error.at(-1)).toContain(path.join(broken, 'unet', 'model.onnx'));

    const small = path.join(dir, 'small.png');
    writeFileSync(small, encode({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 3), channels: 3 }));
    const wrongSize = await runCli([...base, '--init-image', small, '--out', path.join(dir, 'x.png')]);
    expect(wrongSize.code).toBe(1);
    expect(wrongSize.error.at(-1)).toMatch(/initImage: must be exactly 64×64, got 32×32/);

    const notPng = path.join(dir, 'not.png');
    copyFileSync(path.join(model, 'model_index.json'), notPng);
    const unreadable = await runCli([...base, '--init-image', notPng, '--out', path.join(dir, 'x.png')]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.error.at(-1)).toContain(`${notPng}: not a PNG file`);
  });
});

describe('studio tokenize', () => {
  it("prints the model tokenizer's 77 ids", async () => {
    const r = await runCli(['tokenize', '--model', model, 'a red circle']);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.out[0]) as number[];
    expect(ids).toHaveLength(77);
    expect(ids[0]).toBe(539);
    expect(ids.slice(0, 5)).toEqual([539, 320, 513, 518, 540]);
  });

  it('reads prompt syntax; --weights prints chunks with their weights; BREAK makes a second chunk', async () => {
    const plain = await runCli(['tokenize', '--model', model, 'a red circle']);
    const weighted = await runCli(['tokenize', '--model', model, '--weights', 'a (red:1.5) circle BREAK a']);
    expect(weighted.code).toBe(0);
    const [first, second, count] = weighted.out.map((line) => JSON.parse(line) as Record<string, number[] | number>);
    expect(first).toMatchObject({ chunk: 0, ids: JSON.parse(plain.out[0]) as number[] });
    expect((first.weights as number[]).slice(0, 5)).toEqual([1, 1, 1.5, 1, 1]);
    expect(second).toMatchObject({ chunk: 1 });
    expect(count).toEqual({ tokens: 76 });
    expect((await runCli(['tokenize', '--model', model, 'a BREAK b'])).out).toHaveLength(2);
  });
});

describe('studio generate --provider auto on this CPU-only machine', () => {
  it('measures on the first run, keeps the figures in the data directory, and chooses at once afterwards', async () => {
    const autoData = path.join(dir, 'auto-data');
    const args = ['generate', '--model', model, '--prompt', 'a dot', '--steps', '2', '--seed', '1', '--data', autoData];
    const first = await runCli([...args, '--provider', 'auto', '--json', '--out', path.join(dir, 'auto-1.png')]);
    expect(first.code).toBe(0);
    expect(first.error.filter((l) => l.startsWith('auto provider for'))).toEqual([
      expect.stringMatching(
        /^auto provider for tiny-sd: cpu: the only provider this machine can load \(cpu [\d.]+ ms\)$/,
      ),
    ]);
    expect((JSON.parse(first.out[0]) as { provider: string }).provider).toBe('cpu');
    const second = await runCli([...args, '--provider', 'auto', '--out', path.join(dir, 'auto-2.png')]);
    expect(second.code).toBe(0);
    expect(second.error.filter((l) => l.startsWith('auto provider for'))).toEqual([]);
    const exact = await runCli([...args, '--provider', 'cpu', '--out', path.join(dir, 'auto-cpu.png')]);
    expect(exact.code).toBe(0);
    const pixels = (name: string) => decodePngRgb(readFileSync(path.join(dir, name))).rgb;
    expect(Buffer.from(pixels('auto-2.png')).equals(Buffer.from(pixels('auto-cpu.png')))).toBe(true);
  });

  // A provider this build knows but this machine cannot run (CUDA without its library, say).
  const missing = listAvailableProviders().find((p) => !p.available);
  it.skipIf(!missing)('says so when an explicit provider is not available here, and runs on the CPU', async () => {
    const args = ['generate', '--model', model, '--prompt', 'a dot', '--steps', '2', '--seed', '1', '--json'];
    const result = await runCli([...args, '--provider', missing!.id, '--out', path.join(dir, 'unavailable.png')]);
    expect(result.code).toBe(0);
    expect(result.error).toContain(
      `warning: execution provider ${missing!.id} is unavailable (${missing!.note}); falling back to cpu`,
    );
    expect((JSON.parse(result.out[0]) as { provider: string }).provider).toBe('cpu');
  });
});
