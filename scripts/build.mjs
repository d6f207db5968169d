// Builds the main-process bundles (esbuild) and the renderer (Vite). `--main` or `--renderer` builds one side only.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const only = args.has('--main') ? 'main' : args.has('--renderer') ? 'renderer' : 'all';
const started = Date.now();

if (only !== 'renderer') await buildMain();
if (only !== 'main') buildRenderer();
if (!quiet) console.error(`build (${only}) finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);

async function buildMain() {
  rmSync(path.join(root, 'dist-main'), { recursive: true, force: true });
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
      outdir: 'dist-main',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
    // The engine worker is loaded by path from a worker thread: one self-contained file.
    build({
      ...common,
      format: 'esm',
      entryPoints: { 'engine-worker': 'src-main/engine/jobs/engine-worker.ts' },
      outdir: 'dist-main',
    }),
    // Sandboxed preloads must be CommonJS and may only require 'electron'.
    build({
      ...common,
      format: 'cjs',
      entryPoints: { 'shell/preload': 'src-main/shell/preload.ts' },
      outdir: 'dist-main',
      outExtension: { '.js': '.cjs' },
      external: ['electron'],
    }),
  ]);
}

function buildRenderer() {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', quiet ? 'error' : 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
