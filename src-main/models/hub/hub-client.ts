// The Hugging Face Hub's plain HTTP file API, as huggingface_hub uses it: a repository's files at a revision (with
// their sizes and the SHA-256 of LFS files) from /api/models/{repo}/revision/{rev}, and each file from
// /{repo}/resolve/{commit}/{path}, which redirects LFS files to a CDN.
import { z } from 'zod';
import { StudioError } from '../../shared/errors';
import { hubError, unreachable } from './hub-errors';

export interface HubFile {
  /** Relative to the repository, with '/' separators. */
  path: string;
  size: number;
  /** LFS files: the SHA-256 the Hub stores for them. */
  sha256: string | null;
  /** Other files: their git blob id (SHA-1 of "blob <size>\0" + bytes), when the Hub sent it. */
  gitSha1: string | null;
}

export interface RepoInfo {
  repo: string;
  revision: string;
  /** The commit the revision points to now: files are fetched from it, so a push mid-download changes nothing. */
  commit: string;
  files: HubFile[];
  /** Gated repositories list their files to anyone but serve them only to accounts that accepted the conditions. */
  gated: boolean;
}

export interface HubClient {
  readonly endpoint: string;
  readonly authenticated: boolean;
  repoInfo(repo: string, revision: string, signal?: AbortSignal): Promise<RepoInfo>;
  /** A GET of one file from byte `start` on (a Range request when start > 0), redirects followed; 2xx only. */
  openFile(repo: string, commit: string, file: string, start: number, signal?: AbortSignal): Promise<Response>;
}

export interface HubClientOptions {
  endpoint: string;
  /** Sent to the endpoint's own origin only, never to a CDN it redirects to; never logged. */
  token?: string;
  fetch?: typeof fetch;
}

const maxRedirects = 5;
const siblingSchema = z.object({
  rfilename: z.string().min(1),
  size: z.number().int().nonnegative().optional(),
  blobId: z.string().optional(),
  lfs: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }).optional(),
});
const repoInfoSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  siblings: z.array(siblingSchema),
  gated: z.union([z.boolean(), z.string()]).optional(),
});

export function createHubClient(options: HubClientOptions): HubClient {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const origin = new URL(endpoint).origin;
  const doFetch = options.fetch ?? fetch;

  /** Follows redirects itself so that the token never leaves the endpoint's origin (the CDN gets none). */
  async function request(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    let target = url;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const sameOrigin = new URL(target).origin === origin;
      const auth: Record<string, string> = sameOrigin && options.token ? { authorization: `Bearer ${options.token}` } : {};
      let response: Response;
      try {
        response = await doFetch(target, { headers: { ...headers, ...auth }, redirect: 'manual', signal });
      } catch (error) {
        throw unreachable(endpoint, error, signal);
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      target = new URL(location, target).toString();
    }
    throw new StudioError('download_failed', `${endpoint}: more than ${maxRedirects} redirects for ${url}`, {
      reason: 'http',
    });
  }

  return {
    endpoint,
    authenticated: Boolean(options.token),
    async repoInfo(repo, revision, signal) {
      const url = `${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
      const response = await request(url, { accept: 'application/json' }, signal);
      if (!response.ok) throw await hubError(response, { endpoint, repo, revision });
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        throw unreachable(endpoint, error, signal);
      }
      const parsed = repoInfoSchema.safeParse(body);
      // Sizes come with ?blobs=true; without them nothing could be checked or resumed.
      if (!parsed.success || parsed.data.siblings.some((s) => s.size === undefined && s.lfs === undefined)) {
        throw new StudioError('download_failed', `${endpoint} answered for ${repo} with something not a Hub listing`, {
          reason: 'http',
        });
      }
      return {
        repo,
        revision,
        commit: parsed.data.sha,
        gated: parsed.data.gated !== undefined && parsed.data.gated !== false,
        files: parsed.data.siblings.map((s) => ({
          path: s.rfilename,
          size: s.lfs?.size ?? s.size!,
          sha256: s.lfs?.sha256 ?? null,
          gitSha1: !s.lfs && s.blobId && /^[0-9a-f]{40}$/.test(s.blobId) ? s.blobId : null,
        })),
      };
    },
    async openFile(repo, commit, file, start, signal) {
      const path = file.split('/').map(encodeURIComponent).join('/');
      // identity: the bytes on the wire are the file's own, so sizes, ranges and hashes refer to the same thing.
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (start > 0) headers.range = `bytes=${start}-`;
      const response = await request(`${endpoint}/${repo}/resolve/${commit}/${path}`, headers, signal);
      if (!response.ok && response.status !== 416) throw await hubError(response, { endpoint, repo, file });
      return response;
    },
  };
}
