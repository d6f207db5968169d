// Builds the developer tools (`npm run bench`, `npm run eval:model`) into dist-tools/, outside the app bundle
// (dist-main/) that electron-builder ships.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(root, 'dist-tools'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  packages: 'external',
  logLevel: 'warning',
  entryPoints: { bench: 'tools/bench/bench.ts', 'eval-model': 'tools/model-eval/eval-model.ts' },
  outdir: 'dist-tools',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
