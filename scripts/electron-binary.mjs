// Electron's binary is not part of `npm install` (its download is denied in package.json's allowScripts, so that an
// offline install works). These helpers find it, or fetch it where a network exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function electronBinary(root) {
  const dir = path.join(root, 'node_modules', 'electron');
  try {
    const relative = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const binary = path.join(dir, 'dist', relative);
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Runs Electron's own installer once; returns the binary or undefined (offline, blocked, no such package). */
export function fetchElectron(root, { timeoutMs = 180_000 } = {}) {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return undefined;
  const result = spawnSync(process.execPath, [installer], {
    cwd: path.dirname(installer),
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: timeoutMs,
    encoding: 'utf8',
  });
  if (result.status !== 0) return undefined;
  return electronBinary(root);
}

export function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}
