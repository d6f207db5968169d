// `npm test`: the whole suite on a fresh machine — build what the tests need, make sure native modules match Node,
// then unit tests (vitest) and end-to-end tests (Playwright), and one closing line with the totals.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNative } from './ensure-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Not Playwright's outputDir (test-results/), which it empties at start.
const resultsDir = path.join(root, 'test-summary');
mkdirSync(resultsDir, { recursive: true });
const bin = (name, file) => path.join(root, 'node_modules', name, file);

step('build', [path.join(root, 'scripts', 'build.mjs'), '--if-stale', '--quiet']);
ensureNative(root, { runtime: 'node' });

const unitJson = path.join(resultsDir, 'unit.json');
const unitOk = step('unit', [
  bin('vitest', 'vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${unitJson}`,
]);
const e2eJson = path.join(resultsDir, 'e2e.json');
const e2eOk = step('e2e', [bin('@playwright/test', 'cli.js'), 'test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson,
});

const unit = vitestCounts(unitJson);
const e2e = playwrightCounts(e2eJson);
const passed = unit.passed + e2e.passed;
const failed = unit.failed + e2e.failed;
const skipped = unit.skipped + e2e.skipped;
console.log(`\nunit: ${unit.passed} passed, ${unit.failed} failed, ${unit.skipped} skipped`);
console.log(`e2e: ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(unitOk && e2eOk && failed === 0 && passed > 0 ? 0 : 1);

function step(name, args, env = {}) {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.error(
    `[test] ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result.status === 0;
}

function vitestCounts(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests ?? 0,
      failed: (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0),
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
    };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

function playwrightCounts(file) {
  try {
    const { stats } = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}
