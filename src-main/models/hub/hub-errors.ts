// How the Hub's answers read to a person: an unreachable endpoint, a missing or gated repository, a missing revision
// or file, a cancelled download; and which failures are worth another try.
import { StudioError } from '../../shared/errors';

/** Whether a failure may pass when tried again: a cut connection, a server error, too many requests. */
export function isTransient(error: unknown): boolean {
  if (error instanceof StudioError) {
    return (error.details as { transient?: boolean } | undefined)?.transient === true;
  }
  if (!(error instanceof Error) || error.name === 'AbortError') return false;
  // fetch's body stream ends with "terminated" (cause: the socket closed); node streams with ECONNRESET & co.
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  return (
    error.message === 'terminated' ||
    [
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'UND_ERR_SOCKET',
      'UND_ERR_BODY_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'ERR_STREAM_PREMATURE_CLOSE',
    ].includes(code ?? '')
  );
}

const offlineCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed (no network?)',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  CERT_HAS_EXPIRED: 'certificate expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted certificate',
};

export function unreachable(endpoint: string, error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return cancelled();
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const why = (code && offlineCodes[code]) ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new StudioError('download_failed', `cannot reach ${endpoint}: ${why}${code ? ` (${code})` : ''}`, {
    reason: 'offline',
  });
}

export function cancelled(): StudioError {
  return new StudioError('download_failed', 'download cancelled (its partial files are kept: downloading it again resumes)', {
    reason: 'cancelled',
  });
}

export async function hubError(
  response: Response,
  at: { endpoint: string; repo: string; revision?: string; file?: string },
): Promise<StudioError> {
  await response.body?.cancel().catch(() => {});
  const code = response.headers.get('x-error-code');
  const status = response.status;
  const { endpoint, repo } = at;
  if ((status === 401 || status === 403) && code === 'GatedRepo') return gatedError(endpoint, repo, status);
  if (status === 401 || (status === 404 && (code === 'RepoNotFound' || code === null) && at.file === undefined)) {
    return new StudioError(
      'not_found',
      `${repo}: no such repository on ${endpoint}${status === 401 ? ' (or it is private: set HF_TOKEN to a token with access)' : ''}`,
      { reason: 'not_found', status },
    );
  }
  if (status === 403) {
    return new StudioError('download_failed', `${endpoint} refused access to ${repo} (HTTP 403): the token has no access`, {
      reason: 'forbidden',
      status,
    });
  }
  if (status === 404 && code === 'RevisionNotFound') {
    return new StudioError('not_found', `${repo} has no revision ${at.revision ?? ''}`.trim(), { reason: 'not_found', status });
  }
  if (status === 404) {
    return new StudioError('not_found', `${repo} has no file ${at.file ?? ''}`.trim(), { reason: 'not_found', status });
  }
  const transient = status === 429 || status >= 500;
  return new StudioError(
    'download_failed',
    `${endpoint} answered HTTP ${status} for ${at.file ? `${repo}/${at.file}` : repo}`,
    { reason: 'http', status, ...(transient ? { transient } : {}) },
  );
}

export function gatedError(endpoint: string, repo: string, status?: number): StudioError {
  return new StudioError(
    'download_failed',
    `${repo} is gated on ${endpoint}: accept its conditions on the Hub, then set HF_TOKEN to a token of that account`,
    { reason: 'gated', status },
  );
}
