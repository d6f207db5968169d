// `npm start`: build, then open the studio in Electron; where Electron cannot run (no binary and no network to fetch
// it, or no display), serve the same studio to the browser and print its URL.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, fetchElectron, hasDisplay } from './electron-binary.mjs';
import { ensureNative } from './ensure-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const passThrough = process.argv.slice(2);

run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--if-stale', '--quiet']);

let binary = electronBinary(root);
if (!binary && hasDisplay()) {
  console.error('Fetching Electron (first start only)…');
  binary = fetchElectron(root);
}

if (binary && hasDisplay()) {
  ensureNative(root, { runtime: 'electron', electronBinary: binary });
  const child = spawn(binary, [root, ...passThrough], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = binary ? 'no display' : 'Electron could not be fetched (offline?)';
  console.log(`Electron is not available here (${why}): serving the studio to your browser instead.`);
  ensureNative(root, { runtime: 'node' });
  const child = spawn(process.execPath, [path.join(root, 'dist-main', 'cli.js'), 'serve', ...passThrough], {
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
