// `npm run eval:model`: evaluates a tiny-shapes model through the studio's engine, as the recipe's evaluate.py
// does with the torch modules, and prints each number next to its target.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readConceptFile } from '../../src-main/concepts';
import { parseArgs } from 'node:util';
import { createEngine } from '../../src-main/engine';
import { formatTable, reportRows } from './eval-report';
import { runEvaluation, STEPS } from './run-evaluation';
import { encodeGridPng } from './sample-grid';

const USAGE = `usage: eval-model [--model DIR] [--seeds N] [--quick] [--json FILE] [--grid FILE.png]
  --model DIR   model folder (default models/tiny-shapes)
  --seeds N     seeds per colour–shape prompt (default 2, as evaluate.py)
  --quick       evaluate.py's quick grid
  --json FILE   write the summary and every case as JSON
  --grid FILE   write a PNG of 40 samples (10 prompts × 4 seeds) for the model card`;

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/tiny-shapes' },
    seeds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    grid: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const seeds = values.seeds === undefined ? undefined : Number(values.seeds);
if (seeds !== undefined && !(Number.isInteger(seeds) && seeds > 0)) {
  console.error(`--seeds must be a positive integer\n${USAGE}`);
  process.exit(2);
}

const engine = createEngine();
const modelDir = values.model;
let lastReport = 0;
try {
  const description = await engine.describeModel(modelDir);
  console.log(
    `Model ${description.name} (${modelDir}): ${STEPS} steps, the model's default scheduler, one seed per image\n`,
  );
  const heartFile = path.join(modelDir, 'concepts', 'heart.safetensors');
  const heart = existsSync(heartFile) ? readConceptFile(new Uint8Array(readFileSync(heartFile)), heartFile) : undefined;
  const report = await runEvaluation(async (params) => (await engine.generate(modelDir, params)).images[0], {
    quick: values.quick,
    seeds,
    grid: values.grid !== undefined,
    imageSize: description.nativeSize,
    heart: heart && { trigger: heart.trigger, vectors: heart.vectors, count: heart.count, width: heart.width },
    progress: (done, total, what) => {
      if (done === total || performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        process.stderr.write(`  ${done}/${total} ${what}\n`);
      }
    },
  });
  console.log(formatTable(reportRows(report)));
  if (report.skipped.concept) console.log(`\nheart concept skipped: ${report.skipped.concept}`);
  console.log(`${report.summary.n_images + report.img2imgCases.length} images scored in ${report.seconds} s`);
  if (values.json) {
    const { grid: _, ...rest } = report;
    writeFileSync(values.json, JSON.stringify(rest, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 1) + '\n');
    console.log(`wrote ${values.json}`);
  }
  if (values.grid && report.grid) {
    writeFileSync(values.grid, encodeGridPng(report.grid));
    console.log(`wrote ${values.grid} (${report.grid.width}×${report.grid.height})`);
  }
} catch (error) {
  console.error(`eval-model: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await engine.dispose();
}
