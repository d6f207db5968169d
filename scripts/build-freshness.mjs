// Whether a built output still matches its sources. Each build writes a stamp: a hash of the path, size and mtime of
// every input file, taken before the build started. Checking it costs one stat per input (milliseconds), so the
// command line can run its bundle without rebuilding, and rebuilds only after a source changed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const stampFile = '.build-stamp';

// Tests and the build's own scratch space are never bundled, so they do not make a build stale.
const buildScripts = ['scripts/build.mjs', 'scripts/build-freshness.mjs', 'scripts/build-atomic.mjs', 'package.json'];

/** What each side of the app is built from and where it goes. */
export const sides = {
  main: { outDir: 'dist-main', inputs: ['src-main', 'tsconfig.base.json', ...buildScripts] },
  renderer: {
    outDir: 'dist-renderer',
    inputs: ['src-renderer', 'src-main/shared', 'vite.config.ts', 'svelte.config.js', ...buildScripts],
  },
  tools: { outDir: 'dist-tools', inputs: ['tools', 'src-main', 'scripts/build-tools.mjs', ...buildScripts] },
};

export function inputsFingerprint(root, side) {
  const entries = [];
  for (const input of sides[side].inputs) collect(root, input, entries);
  entries.sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

export function isFresh(root, side) {
  let stamp;
  try {
    stamp = readFileSync(path.join(root, sides[side].outDir, stampFile), 'utf8');
  } catch {
    return false;
  }
  return stamp === inputsFingerprint(root, side);
}

function collect(root, relative, entries) {
  let stat;
  try {
    stat = statSync(path.join(root, relative));
  } catch {
    // A missing optional input (e.g. no svelte.config.js) is part of the fingerprint too: adding it later counts.
    entries.push(`${relative}\tmissing`);
    return;
  }
  if (!stat.isDirectory()) {
    if (!relative.endsWith('.test.ts')) entries.push(`${relative}\t${stat.size}\t${stat.mtimeMs}`);
    return;
  }
  for (const name of readdirSync(path.join(root, relative))) collect(root, `${relative}/${name}`, entries);
}
