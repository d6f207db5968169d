#!/usr/bin/env node
// `studio …` (the package's bin) and `npm run -s studio -- …`: runs the built command line, building it first only
// when it is missing or its sources changed. A fresh build costs one stat per source file; concurrent first runs
// wait for one build instead of racing (see build-atomic.mjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isFresh } from './build-freshness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (!isFresh(root, 'main')) {
  // The build's messages go to stderr: stdout carries only the command's results.
  const build = [path.join(root, 'scripts', 'build.mjs'), '--main', '--if-stale', '--quiet'];
  const result = spawnSync(process.execPath, build, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// In this process: the command line reads its arguments from process.argv.slice(2), the same as when run directly.
await import(pathToFileURL(path.join(root, 'dist-main', 'cli.js')).href);
