// `npm run dist`: build, make sure Electron's binary is present, then package with electron-builder for this OS.
// Needs a network (Electron and electron-builder's platform tools are downloaded).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, fetchElectron } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
if (!electronBinary(root) && !fetchElectron(root)) {
  console.error('npm run dist needs a network connection to fetch Electron.');
  process.exit(1);
}
run(process.execPath, [path.join(root, 'node_modules', 'electron-builder', 'cli.js'), ...process.argv.slice(2)]);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
