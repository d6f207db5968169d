// What the gallery's parts share: the database, its statements, where files live, and where to report.
import path from 'node:path';
import type { StudioDb } from './database';
import type { Store } from './store';

export interface GalleryContext {
  db: StudioDb;
  dataDir: string;
  store: Store;
  log: (message: string) => void;
  /** How saved images are written; absent: writeFileAtomic. Tests pass one that meets a full disk. */
  writeFile?: (file: string, bytes: Uint8Array, options?: { durable?: boolean }) => void;
}

/** A media path (relative, `/`-separated) → the file in the data directory. */
export function fileOf(ctx: GalleryContext, media: string): string {
  return path.join(ctx.dataDir, ...media.split('/'));
}
