// Where the app's own files live and where the user's data goes, computed the same way by the shell, server and CLI.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const productName = 'Diffusion Studio';

/** The repo root in development (sources or dist-main/ bundles sit one level below it). */
export function appRoot(): string {
  if (process.env.STUDIO_APP_ROOT) return process.env.STUDIO_APP_ROOT;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // Bundles live in dist-main/<sub>/ or dist-main/; sources in src-main/<sub>/: walk up to the package.json.
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(path.join(dir, 'package.json'));
      return dir;
    } catch {
      dir = path.dirname(dir);
    }
  }
  throw new Error('Cannot locate the application root (no package.json above the running code)');
}

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Electron's `app.getPath('userData')` for this product, so the CLI and the app share one gallery. */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), productName);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', productName);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), productName);
}

/** The app's own models; STUDIO_BUNDLED_MODELS points elsewhere (tests use it to show a studio with none). */
export function bundledModelsDir(): string {
  return process.env.STUDIO_BUNDLED_MODELS ?? path.join(appRoot(), 'models');
}

export function rendererDir(): string {
  return path.join(appRoot(), 'dist-renderer');
}
