// `npm run bench`: measured numbers for the hot paths, printed as tables.
import { measureModel, runEngineBench } from './engine-bench';
import { runGalleryBench } from './gallery-bench';
import { importChild, runImportBench } from './import-bench';

const args = process.argv.slice(2);
if (args[0] === '--import-child') {
  await importChild(args.slice(1));
} else if (args[0] === 'import') {
  await printImportBench();
} else if (args[0] === '--measure') {
  const row = await measureModel(args[1], Number(args[2]), Number(args[3]));
  process.stdout.write(JSON.stringify(row));
} else {
  printGalleryBench();
  if (args[0] !== 'gallery') printEngineBench();
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
