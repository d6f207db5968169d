// A file the gallery could not write, said in a user's words: a full disk or a read-only folder is something they
// can fix, and they need to know where.
import { StudioError } from '../shared/errors';

const reasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'no permission to write there',
  EPERM: 'no permission to write there',
};

/** `media` is the data directory's relative path of the file that failed. */
export function writeFailure(error: unknown, media: string, dataDir: string): StudioError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const reason = reasons[code] ?? (error as Error).message;
  return new StudioError('internal', `${reason}: cannot write ${media} in ${dataDir}${code ? ` (${code})` : ''}`, {
    path: media,
    errno: code || null,
  });
}
