// `node dist-tools/optimizer-bench.js [MODEL_DIR…]`: the graph optimiser on the CPU provider, plain vs optimised
// copies of each model: ms per UNet call (batch 2, native size, median after a warm-up), the UNet output's relative
// difference, and ms per 20-step image through the engine. Default models: the tiny-sd fixture and the
// reduced-width SD-shaped bench model (tools/reference/make_bench_model.py). BENCH_FP16=1 adds an fp16 copy,
// BENCH_IMAGES=0 skips the per-image runs; BENCH_THREADS, BENCH_UNET_RUNS and BENCH_STEPS set the rest.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appRoot } from '../../src-main/app-paths';
import { createEngine } from '../../src-main/engine';
import { optimizeModelFolder } from '../../src-main/engine/graph-optimizer';
import { openSession, type PlainTensor } from '../../src-main/engine/onnx-session';
import { decodeModel, DataType } from '../../src-main/formats/onnx';
import { noise } from '../../src-main/engine/test-support/fixture-feeds';

const threads = Number(process.env.BENCH_THREADS ?? 2);
const unetRuns = Number(process.env.BENCH_UNET_RUNS ?? 5);
const imageSteps = Number(process.env.BENCH_STEPS ?? 20);
const withImages = process.env.BENCH_IMAGES !== '0';

/** One CFG call's inputs (batch 2) at the UNet's native size, read from its config. */
function unetFeeds(modelDir: string): Record<string, PlainTensor> {
  const config = JSON.parse(readFileSync(path.join(modelDir, 'unet/config.json'), 'utf8')) as Record<string, number>;
  const model = decodeModel(new Uint8Array(readFileSync(path.join(modelDir, 'unet/model.onnx'))));
  const timestep = model.graph.inputs.find((i) => i.name === 'timestep')?.type?.tensor;
  const [latent, channels, hidden] = [config.sample_size, config.in_channels, config.cross_attention_dim];
  const steps = timestep?.shape?.[0]?.value === 1 ? 1 : 2;
  return {
    sample: { type: 'float32', data: noise(2 * channels * latent * latent, 1), dims: [2, channels, latent, latent] },
    timestep:
      timestep?.elemType === DataType.INT64
        ? { type: 'int64', data: new BigInt64Array(steps).fill(501n), dims: [steps] }
        : { type: 'float32', data: new Float32Array(steps).fill(501), dims: [steps] },
    encoder_hidden_states: { type: 'float32', data: noise(2 * 77 * hidden, 2), dims: [2, 77, hidden] },
  };
}

/** ms per call of each UNet, runs interleaved (a, b, c, a, b, c, …) so a busy machine's drift hits all alike. */
async function timeUnets(files: string[], feeds: Record<string, PlainTensor>) {
  const sessions = await Promise.all(files.map((f) => openSession(f, { providers: ['cpu'], threads, log: () => {} })));
  try {
    const outputs: Float32Array[] = [];
    for (const session of sessions) outputs.push((await session.run(feeds)).out_sample.data as Float32Array);
    const times: number[][] = sessions.map(() => []);
    for (let i = 0; i < unetRuns; i++)
      for (const [k, session] of sessions.entries()) {
        const started = performance.now();
        await session.run(feeds);
        times[k].push(performance.now() - started);
      }
    return times.map((t, k) => ({ ms: median(t), output: outputs[k] }));
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function timeImage(dir: string): Promise<number> {
  const engine = createEngine({ providers: 'cpu', threads });
  try {
    const params = { prompt: 'a red circle at the top left', negative: '', seed: 1n, steps: imageSteps, guidance: 7.5 };
    await engine.generate(dir, { ...params, steps: 2 });
    return (await engine.generate(dir, params)).timings.totalMs;
  } finally {
    await engine.dispose();
  }
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return diff / scale;
}

async function benchModel(modelDir: string): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'optimizer-bench-'));
  try {
    const config = JSON.parse(readFileSync(path.join(modelDir, 'unet/config.json'), 'utf8')) as Record<string, number>;
    const size = config.sample_size * 8;
    const variants: Array<[string, string]> = [['plain', modelDir]];
    const kinds: Array<[string, boolean, boolean]> = [
      ['fused', false, false],
      ['fused + fixed size', true, false],
    ];
    // fp16 on the CPU runs through Casts ONNX Runtime inserts: shown for its output difference, not its speed.
    if (process.env.BENCH_FP16) kinds.push(['fused + fixed size, fp16', true, true]);
    for (const [label, fixed, fp16] of kinds) {
      const outDir = path.join(work, label.replace(/\W+/g, '-'));
      const started = performance.now();
      const report = await optimizeModelFolder({
        modelDir,
        outDir,
        fp16,
        fixedSize: fixed ? { width: size, height: size, batch: 2 } : undefined,
      });
      console.log(
        `${path.basename(modelDir)} ${label}: optimised in ${((performance.now() - started) / 1000).toFixed(1)} s, ${JSON.stringify(report.fusions)}`,
      );
      variants.push([label, outDir]);
    }
    const feeds = unetFeeds(modelDir);
    const unets = await timeUnets(
      variants.map(([, dir]) => path.join(dir, 'unet/model.onnx')),
      feeds,
    );
    for (const [k, [label, dir]] of variants.entries()) {
      const error = relativeError(unets[0].output, unets[k].output);
      const image = withImages ? await timeImage(dir) : NaN;
      console.log(
        `| ${path.basename(modelDir)} | ${size}² | ${label} | ${unets[k].ms.toFixed(1)} | ${error.toExponential(1)} | ${(image / 1000).toFixed(2)} |`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const root = appRoot();
const models = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [path.join(root, 'src-main/engine/test-fixtures/models/tiny-sd'), path.join(root, '.bench-models/sd15-shaped')];
console.log(
  `CPU provider, ${threads} threads; UNet: batch 2, median of ${unetRuns} interleaved runs; image: ${imageSteps} steps, guidance 7.5`,
);
console.log('| model | size | graph | ms per UNet call | UNet output vs plain (rel.) | s per image |');
console.log('|---|---|---|---|---|---|');
for (const dir of models) {
  if (!existsSync(path.join(dir, 'model_index.json'))) console.log(`(${dir}: not found, skipped)`);
  else await benchModel(dir);
}
