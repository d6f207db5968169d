// Builds the developer tools (`npm run bench`, `npm run eval:model`) into dist-tools/, outside the app bundle
// (dist-main/) that electron-builder ships. Like the app's bundles, it builds only when its sources changed, one build
// at a time (see build-atomic.mjs).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAtomically } from './build-atomic.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await buildAtomically(root, 'tools', (outdir) =>
  build({
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    packages: 'external',
    logLevel: 'warning',
    entryPoints: {
      bench: 'tools/bench/bench.ts',
      'eval-model': 'tools/model-eval/eval-model.ts',
      'seed-gallery': 'tools/bench/seed-gallery.ts',
      'optimizer-bench': 'tools/bench/optimizer-bench.ts',
    },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
);
