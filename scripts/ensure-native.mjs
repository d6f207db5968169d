// better-sqlite3 is compiled for one ABI at a time: Node's (tests, CLI, server) or Electron's (the app). Each build is
// kept in a cache keyed by ABI, so switching between `npm test` and `npm start` costs a copy, not a compile.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleName = 'better-sqlite3';

export function ensureNative(root, { runtime, electronBinary }) {
  const pkgDir = path.join(root, 'node_modules', moduleName);
  if (!existsSync(pkgDir)) return;
  const built = path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  const probe = runtime === 'electron' ? electronProbe(electronBinary) : nodeProbe();
  if (probe.loads(root)) return;

  const cached = path.join(
    root,
    'node_modules',
    '.cache',
    'studio-native',
    `${runtime}-${probe.abi}`,
    'better_sqlite3.node',
  );
  if (existsSync(cached)) {
    copyFileSync(cached, built);
    if (probe.loads(root)) return;
  }
  // Keep the build we are about to replace, so switching back is a copy.
  const current = currentAbi(root);
  if (current && existsSync(built)) stash(root, current, built);

  console.error(`Building ${moduleName} for ${runtime} (ABI ${probe.abi})…`);
  const electronArgs = [`--target=${probe.version}`, '--dist-url=https://electronjs.org/headers'];
  const result = spawnSync('npm', ['run', 'build-release', '--', ...(runtime === 'electron' ? electronArgs : [])], {
    cwd: pkgDir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0 || !probe.loads(root)) {
    throw new Error(`Could not build ${moduleName} for ${runtime}; see the output above`);
  }
  stash(root, `${runtime}-${probe.abi}`, built);
}

function nodeProbe() {
  return {
    abi: process.versions.modules,
    version: process.version,
    loads: (root) => loadsIn(process.execPath, root, {}),
  };
}

function electronProbe(binary) {
  const env = { ELECTRON_RUN_AS_NODE: '1' };
  const info = spawnSync(binary, ['-p', 'process.versions.modules + " " + process.versions.electron'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const [abi, version] = (info.stdout ?? '').trim().split(' ');
  return { abi, version, loads: (root) => loadsIn(binary, root, env) };
}

function loadsIn(executable, root, env) {
  const result = spawnSync(executable, ['-e', `new (require(${JSON.stringify(moduleName)}))(':memory:').close()`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  return result.status === 0;
}

function currentAbi(root) {
  return nodeProbe().loads(root) ? `node-${process.versions.modules}` : undefined;
}

function stash(root, key, built) {
  const dir = path.join(root, 'node_modules', '.cache', 'studio-native', key);
  mkdirSync(dir, { recursive: true });
  copyFileSync(built, path.join(dir, 'better_sqlite3.node'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  ensureNative(root, { runtime: process.argv[2] === 'electron' ? 'electron' : 'node' });
}
