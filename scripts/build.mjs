// Builds the main-process bundles (esbuild) and the renderer (Vite). `--main` or `--renderer` builds one side only;
// `--if-stale` skips a side whose sources have not changed since its last build (see build-freshness.mjs).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAtomically } from './build-atomic.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const only = args.has('--main') ? 'main' : args.has('--renderer') ? 'renderer' : 'all';
const force = !args.has('--if-stale');
const started = Date.now();

let built = false;
if (only !== 'renderer') built = (await buildAtomically(root, 'main', buildMain, { force })) || built;
if (only !== 'main') built = (await buildAtomically(root, 'renderer', buildRenderer, { force })) || built;
const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
if (!quiet) console.error(built ? `build (${only}) finished in ${took}` : `build (${only}) is up to date`);

async function buildMain(outdir) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    packages: 'external',
    logLevel: 'warning',
  };
  await Promise.all([
    build({
      ...common,
      format: 'esm',
      entryPoints: {
        cli: 'src-main/cli/entry.ts',
        'shell/main': 'src-main/shell/main.ts',
      },
      outdir,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
    // The engine worker is loaded by path from a worker thread: one self-contained file.
    build({
      ...common,
      format: 'esm',
      entryPoints: { 'engine-worker': 'src-main/engine/jobs/engine-worker.ts' },
      outdir,
    }),
    // Sandboxed preloads must be CommonJS and may only require 'electron'.
    build({
      ...common,
      format: 'cjs',
      entryPoints: { 'shell/preload': 'src-main/shell/preload.ts' },
      outdir,
      outExtension: { '.js': '.cjs' },
      external: ['electron'],
    }),
  ]);
}

function buildRenderer(outDir) {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const options = ['--outDir', outDir, '--emptyOutDir', '--logLevel', quiet ? 'error' : 'warn'];
  const result = spawnSync(process.execPath, [vite, 'build', ...options], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
