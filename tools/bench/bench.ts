// `npm run bench`: measured numbers for the hot paths, printed as tables.
import type { ProviderId } from '../../src-main/engine';
import { measureModel, runEngineBench } from './engine-bench';
import { runGalleryBench } from './gallery-bench';
import { importChild, runImportBench } from './import-bench';
import { measureProvider, runProviderBench, type GraphsVariant } from './provider-bench';

const args = process.argv.slice(2);
if (args[0] === '--import-child') {
  await importChild(args.slice(1));
} else if (args[0] === 'import') {
  await printImportBench();
} else if (args[0] === '--measure') {
  const row = await measureModel(args[1], Number(args[2]), Number(args[3]));
  process.stdout.write(JSON.stringify(row));
} else if (args[0] === '--measure-provider') {
  const [, dir, provider, graphs, calls, steps] = args;
  try {
    const row = await measureProvider(
      dir,
      provider as ProviderId,
      graphs as GraphsVariant,
      Number(calls),
      Number(steps),
    );
    process.stdout.write(JSON.stringify(row));
  } catch (error) {
    // One line for the table: the provider's own complaint (no adapter, missing library), not a stack.
    process.stderr.write(`error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
} else if (args[0] === 'providers') {
  printProviderBench();
} else {
  printGalleryBench();
  if (args[0] !== 'gallery') {
    printEngineBench();
    printProviderBench();
  }
}

function printProviderBench(): void {
  console.log(
    '\nProviders: per UNet call (median after one untimed call, native size, CFG batch 2) and per 20-step image ' +
      '(load excluded); outside ORT = share of the job outside ONNX Runtime. BENCH_MODELS / BENCH_PROVIDERS select.\n',
  );
  const rows = runProviderBench();
  printTable(
    ['model', 'provider', 'graphs', 'size', 'ms / UNet call', '20-step image s', 'outside ORT %', 'note'],
    rows.map((r) => [
      r.model,
      r.provider,
      r.graphs,
      r.size,
      r.unetMs === null ? '' : `${r.unetMs.toFixed(r.unetMs < 100 ? 1 : 0)} (${r.unetCalls})`,
      r.imageS === null ? '' : r.imageS.toFixed(r.imageS < 10 ? 2 : 1),
      r.outsideOrtPct === null ? '' : r.outsideOrtPct.toFixed(1),
      r.note,
    ]),
  );
}

async function printImportBench(): Promise<void> {
  console.log('Checkpoint import: an SD 1.5-shaped LDM safetensors of random float16 values, in a child process\n');
  const rows = await runImportBench();
  printTable(
    ['output', 'checkpoint GB', 'seconds', 'peak RSS MB', 'target', ''],
    rows.map((r) => [
      r.precision,
      (r.checkpointBytes / 1e9).toFixed(2),
      r.seconds.toFixed(1),
      r.peakRssMb.toFixed(0),
      '< 500 MB',
      r.peakRssMb < 500 ? 'ok' : 'MISSED',
    ]),
  );
}

function printGalleryBench(): void {
  const count = Number(process.env.BENCH_GALLERY_ROWS ?? 100_000);
  const { seedMs, rows } = runGalleryBench(count);
  console.log(
    `Gallery: ${count.toLocaleString('en')} generations (seeded in ${(seedMs / 1000).toFixed(1)} s, one transaction)\n`,
  );
  printTable(
    ['operation', 'runs', 'p50 ms', 'p95 ms', 'target (p50)', ''],
    rows.map((r) => [
      r.operation,
      String(r.runs),
      r.p50.toFixed(2),
      r.p95.toFixed(2),
      r.targetMs === null ? '' : `≤ ${r.targetMs} ms`,
      r.targetMs === null ? '' : r.p50 <= r.targetMs ? 'ok' : 'MISSED',
    ]),
  );
  console.log('');
}

function printEngineBench(): void {
  const steps = 20;
  const runs = process.env.BENCH_RUNS ? Number(process.env.BENCH_RUNS) : undefined;
  console.log(
    `Engine: ${steps} steps, guidance 7.5, native size, CPU provider, median of measured runs after a warm-up\n`,
  );
  const rows = runEngineBench(steps, runs);
  const header = [
    'model',
    'size',
    'runs',
    'load s',
    'per step ms',
    'total s',
    'in ORT s',
    'outside ORT s',
    'overhead %',
    'peak RSS MB',
  ];
  const lines = rows.map((r) =>
    'skipped' in r
      ? [r.model, `skipped: ${r.skipped}`]
      : [
          r.model,
          r.size,
          String(r.runs),
          (r.loadMs / 1000).toFixed(2),
          r.perStepMs.toFixed(1),
          (r.totalMs / 1000).toFixed(2),
          (r.ortMs / 1000).toFixed(2),
          (r.outsideOrtMs / 1000).toFixed(3),
          r.overheadPct.toFixed(2),
          r.peakRssMb.toFixed(0),
        ],
  );
  printTable(header, lines);
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows)
    console.log(line(row.length === header.length ? row : [...row, ...header.slice(row.length).map(() => '')]));
}
