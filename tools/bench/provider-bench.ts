// `npm run bench -- providers`: per model, provider and graph (the model's own, or the optimiser's copy at fp16 /
// fp32), ms per UNet call and per 20-step image, and the share of a job's time spent outside ONNX Runtime. Each row
// is measured in a fresh process. Providers are those this machine can start; optimised rows need the optimiser in
// the build, and say so otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { appRoot } from '../../src-main/app-paths';
import {
  benchUNet,
  createEngine,
  defaultGraphOptimizer,
  listAvailableProviders,
  type ProviderId,
} from '../../src-main/engine';

export type GraphsVariant = 'plain' | 'fp16' | 'fp32';

export interface ProviderBenchRow {
  model: string;
  provider: string;
  graphs: string;
  size: string;
  unetMs: number | null;
  unetCalls: number;
  /** A 20-step image, load excluded; extrapolated from `imageSteps` steps when fewer were run. */
  imageS: number | null;
  imageSteps: number;
  outsideOrtPct: number | null;
  note: string;
}

interface ProviderTarget {
  label: string;
  dir: string;
  makeWith: string | null;
  /** Timed UNet calls, and the steps of the measured image (20, or fewer for models too slow on a CPU). */
  calls: number;
  imageSteps: number;
}

export function providerTargets(): ProviderTarget[] {
  const root = appRoot();
  const make = '/usr/bin/python3 tools/reference/make_bench_model.py';
  const cpuOnly = (process.env.BENCH_PROVIDERS ?? '').trim() === 'cpu';
  const all: ProviderTarget[] = [
    { label: 'tiny-shapes', dir: path.join(root, 'models', 'tiny-shapes'), makeWith: null, calls: 10, imageSteps: 20 },
    {
      label: 'sd15-shaped',
      dir: path.join(root, '.bench-models', 'sd15-shaped'),
      makeWith: make,
      calls: 3,
      imageSteps: 20,
    },
    {
      label: 'sd15-full',
      dir: path.join(root, '.bench-models', 'sd15-full'),
      makeWith: `${make} --full-width`,
      // SD's full UNet takes tens of seconds per call on a few CPU cores: one timed call and a one-step image there
      // (the 20-step figure is then extrapolated from it, and says so).
      calls: cpuOnly ? 1 : 5,
      imageSteps: cpuOnly ? 1 : 20,
    },
  ];
  const wanted = process.env.BENCH_MODELS?.split(',').map((s) => s.trim());
  return wanted ? all.filter((t) => wanted.includes(t.label)) : all;
}

/** Providers to measure: BENCH_PROVIDERS (comma-separated), else every one listed as available here. */
function benchProviders(): ProviderId[] {
  const listed = process.env.BENCH_PROVIDERS?.split(',').map((s) => s.trim() as ProviderId);
  return listed ?? listAvailableProviders().flatMap((p) => (p.available ? [p.id as ProviderId] : []));
}

export function runProviderBench(): ProviderBenchRow[] {
  const self = process.argv[1];
  const rows: ProviderBenchRow[] = [];
  for (const target of providerTargets()) {
    if (!existsSync(path.join(target.dir, 'model_index.json'))) {
      rows.push(
        skipped(target.label, '', '', `not found${target.makeWith ? `; make it with ${target.makeWith}` : ''}`),
      );
      continue;
    }
    for (const provider of benchProviders()) {
      for (const graphs of ['plain', 'fp16', 'fp32'] as const) {
        if (graphs !== 'plain' && !defaultGraphOptimizer) {
          rows.push(skipped(target.label, provider, `optimised ${graphs}`, 'the graph optimiser is not in this build'));
          continue;
        }
        const args = [self, '--measure-provider', target.dir, provider, graphs, String(target.calls)];
        const child = spawnSync(process.execPath, [...args, String(target.imageSteps)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        if (child.status !== 0) {
          const lines = (child.stderr ?? '').trim().split('\n');
          const line = lines.find((l) => l.startsWith('error: ')) ?? lines.at(-1) ?? '';
          // ORT's messages start with its source location; the provider's own words are at the end.
          const why = /Failed to get a WebGPU adapter[^)\n]*/.exec(line)?.[0] ?? line.slice(7, 200);
          rows.push(skipped(target.label, provider, graphName(graphs), `failed (exit ${child.status}) ${why}`));
          continue;
        }
        rows.push({ ...(JSON.parse(child.stdout) as ProviderBenchRow), model: target.label });
      }
    }
  }
  return rows;
}

/** In the child: the UNet calls, then one image (after a one-step warm-up job that loads the sessions). */
export async function measureProvider(
  dir: string,
  provider: ProviderId,
  graphs: GraphsVariant,
  calls: number,
  imageSteps: number,
): Promise<ProviderBenchRow> {
  const threads = Math.max(1, availableParallelism() - 1);
  // BENCH_DEVICE_RESIDENT=1 keeps the text context in GPU memory between calls (WebGPU only): run with and without.
  const deviceResident = process.env.BENCH_DEVICE_RESIDENT === '1';
  const unet = await benchUNet({
    modelDir: dir,
    provider,
    graphs: graphs === 'plain' ? 'plain' : graphs,
    calls,
    threads,
    deviceResident,
  });
  const row: ProviderBenchRow = {
    model: path.basename(dir),
    provider,
    graphs: graphName(graphs),
    size: `${unet.size.width}x${unet.size.height}, batch 2`,
    unetMs: unet.medianMs,
    unetCalls: calls,
    imageS: null,
    imageSteps,
    outsideOrtPct: null,
    note: [
      unet.optimizeMs === null ? '' : `optimised in ${(unet.optimizeMs / 1000).toFixed(1)} s`,
      deviceResident && provider === 'webgpu' ? 'context kept on the GPU' : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
  // The engine runs optimised copies on GPU providers only; the CPU's image is its exact path.
  if (provider === 'cpu' && graphs !== 'plain')
    return { ...row, note: `${row.note}; image: the CPU runs its own graphs` };
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'provider-bench-'));
  const engine = createEngine({
    providers: provider,
    threads,
    cacheDir,
    optimizer: graphs === 'plain' ? null : defaultGraphOptimizer,
    gpuPrecision: graphs === 'fp32' ? 'fp32' : 'fp16',
    deviceResident,
  });
  try {
    const params = { prompt: 'a red circle at the top left', negative: '', seed: 1n, guidance: 7.5 };
    // A warm-up job (sessions created, first-run allocations), skipped for a one-step image of a model too slow here.
    if (imageSteps > 1) await engine.generate(dir, { ...params, steps: 1 });
    const result = await engine.generate(dir, { ...params, seed: 2n, steps: imageSteps });
    const t = result.timings;
    const jobMs = t.totalMs - t.loadMs;
    const twentyMs = jobMs - t.denoiseMs + (t.denoiseMs * 20) / imageSteps;
    const fellBack = result.provider !== provider ? `; ran on ${result.provider}: ${result.warnings.join(' ')}` : '';
    return {
      ...row,
      imageS: twentyMs / 1000,
      outsideOrtPct: (100 * t.outsideOrtMs) / jobMs,
      note: `${row.note}${imageSteps === 20 ? '' : `${row.note ? '; ' : ''}image from ${imageSteps} steps`}${fellBack}`,
    };
  } finally {
    await engine.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function graphName(graphs: GraphsVariant): string {
  return graphs === 'plain' ? 'own graph' : `optimised ${graphs}`;
}

function skipped(model: string, provider: string, graphs: string, note: string): ProviderBenchRow {
  return {
    model,
    provider,
    graphs,
    size: '',
    unetMs: null,
    unetCalls: 0,
    imageS: null,
    imageSteps: 0,
    outsideOrtPct: null,
    note,
  };
}
