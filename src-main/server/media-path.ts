// Maps a media URL path to a file inside the data directory, refusing anything that would leave it
// (`..`, encoded separators, absolute paths, NUL bytes, symlinks pointing out).
import { realpathSync } from 'node:fs';
import path from 'node:path';

export function resolveMediaPath(dataDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || path.isAbsolute(decoded)) return undefined;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.length === 0 || segments.some((s) => s === '..' || s === '.')) return undefined;
  const root = realpathOrSelf(dataDir);
  const candidate = path.join(root, ...segments);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined;
  }
  return real.startsWith(root + path.sep) ? real : undefined;
}

function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
