// Test support: a local server that answers like the Hugging Face Hub's file API for the repositories it is given —
// the repo listing with sizes and LFS hashes, /resolve/ with x-repo-commit and etags, LFS files redirected to a
// "CDN" on another origin with Range support — and that can cut a connection mid-file, serve tampered bytes, gate a
// repository, and record every request.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeRepo {
  /** Repository path → bytes. */
  files: Map<string, Buffer>;
  commit: string;
  /** Answer 401 GatedRepo to requests without the token. */
  gatedToken?: string;
}

export interface RecordedRequest {
  server: 'hub' | 'cdn';
  method: string;
  url: string;
  range: string | null;
  authorization: string | null;
}

export interface FakeHub {
  endpoint: string;
  repos: Map<string, FakeRepo>;
  requests: RecordedRequest[];
  /** The next GET of each of these paths sends half its body, then drops the connection. */
  cutOnce: Set<string>;
  /** Bytes served in place of a file's own (its listing keeps the true size and hash). */
  tampered: Map<string, Buffer>;
  /** The next request for each of these paths is answered with this status (a 503, a 429). */
  failOnce: Map<string, number>;
  /** Every GET of these paths sends half its body, then drops the connection. */
  alwaysCut: Set<string>;
  /** These paths are served whole whatever Range is asked for (a server without range support). */
  ignoreRange: Set<string>;
  /** The next GET of each of these paths sends half its body, then stalls until the client gives up. */
  stallOnce: Set<string>;
  close(): Promise<void>;
}

/** Files whose content the Hub keeps in LFS (and lists with a SHA-256). */
const isLfs = (file: string) => /\.(onnx|onnx_data|pb|safetensors|bin|ckpt)$/.test(file);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const gitBlobId = (bytes: Buffer) =>
  createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

/** A folder's files as a repository's. */
export function repoFromFolder(dir: string, commit = 'a'.repeat(40)): FakeRepo {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, full).split(path.sep).join('/'), readFileSync(full));
  }
  return { files, commit };
}

export async function startFakeHub(): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const requests: RecordedRequest[] = [];
  const cutOnce = new Set<string>();
  const tampered = new Map<string, Buffer>();
  const stallOnce = new Set<string>();
  const alwaysCut = new Set<string>();
  const failOnce = new Map<string, number>();
  const ignoreRange = new Set<string>();
  const blobs = new Map<string, Buffer>();

  const record = (server: RecordedRequest['server'], req: http.IncomingMessage) =>
    requests.push({
      server,
      method: req.method ?? '',
      url: req.url ?? '',
      range: req.headers.range ?? null,
      authorization: req.headers.authorization ?? null,
    });

  const cdn = http.createServer((req, res) => {
    record('cdn', req);
    const [, key, file] = /^\/blobs\/([0-9a-f]{64})\?file=(.+)$/.exec(req.url ?? '') ?? [];
    const bytes = key ? blobs.get(key) : undefined;
    if (!bytes) return void res.writeHead(404).end();
    sendBytes(req, res, tampered.get(decodeURIComponent(file)) ?? bytes, decodeURIComponent(file));
  });
  const cdnOrigin = await listen(cdn);

  function sendBytes(req: http.IncomingMessage, res: http.ServerResponse, bytes: Buffer, file: string): void {
    const range = ignoreRange.has(file) ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start > bytes.length || (range && start === bytes.length && bytes.length > 0)) {
      return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    }
    const body = bytes.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length, 'accept-ranges': 'bytes' };
    if (range) headers['content-range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    if (cutOnce.delete(file) || alwaysCut.has(file)) {
      // Half the body, then a dead connection: what a dropped Wi-Fi looks like to the client.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.end());
      return;
    }
    if (stallOnce.delete(file)) return void res.write(body.subarray(0, Math.floor(body.length / 2)));
    res.end(body);
  }

  const hub = http.createServer((req, res) => {
    record('hub', req);
    const url = new URL(req.url ?? '/', 'http://hub');
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = decodeURIComponent(api?.[1] ?? resolve?.[1] ?? '');
    const repo = repos.get(repoId);
    const fail = (status: number, code: string, message: string) =>
      res.writeHead(status, { 'x-error-code': code, 'x-error-message': message }).end(JSON.stringify({ error: message }));
    if (!repo) return fail(401, 'RepoNotFound', 'Repository not found');
    // As on the Hub: a gated repository's listing is public, its files are not (401 anonymous, 403 not accepted).
    const auth = req.headers.authorization;
    if (resolve && repo.gatedToken !== undefined && auth !== `Bearer ${repo.gatedToken}`) {
      return fail(auth ? 403 : 401, 'GatedRepo', `Access to model ${repoId} is restricted.`);
    }
    const revision = decodeURIComponent(api?.[2] ?? resolve?.[2] ?? '');
    if (revision !== 'main' && revision !== repo.commit) return fail(404, 'RevisionNotFound', 'Invalid rev id');
    if (api) {
      const siblings = [...repo.files].map(([rfilename, bytes]) => ({
        rfilename,
        size: bytes.length,
        blobId: gitBlobId(bytes),
        ...(isLfs(rfilename) ? { lfs: { sha256: sha256(bytes), size: bytes.length, pointerSize: 134 } } : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      const gated = repo.gatedToken !== undefined ? 'manual' : false;
      return void res.end(JSON.stringify({ id: repoId, sha: repo.commit, gated, siblings }));
    }
    const file = decodeURIComponent(resolve?.[3] ?? '');
    const failure = failOnce.get(file);
    if (failure !== undefined) {
      failOnce.delete(file);
      return fail(failure, 'Busy', 'try again later');
    }
    const bytes = repo.files.get(file);
    if (!resolve || !bytes) return fail(404, 'EntryNotFound', `${file} does not exist`);
    const common = { 'x-repo-commit': repo.commit };
    if (isLfs(file)) {
      const key = sha256(bytes);
      blobs.set(key, bytes);
      res.writeHead(302, {
        ...common,
        'x-linked-etag': `"${key}"`,
        'x-linked-size': bytes.length,
        location: `${cdnOrigin}/blobs/${key}?file=${encodeURIComponent(file)}`,
      });
      return void res.end();
    }
    res.setHeader('x-repo-commit', repo.commit);
    res.setHeader('etag', `"${gitBlobId(bytes)}"`);
    sendBytes(req, res, tampered.get(file) ?? bytes, file);
  });
  const endpoint = await listen(hub);

  return {
    endpoint,
    repos,
    requests,
    cutOnce,
    tampered,
    stallOnce,
    alwaysCut,
    failOnce,
    ignoreRange,
    close: async () => {
      for (const server of [hub, cdn]) server.closeAllConnections();
      await Promise.all([hub, cdn].map((s) => new Promise((done) => s.close(done))));
    },
  };
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An endpoint where nothing listens: a port just bound and released. */
export async function deadEndpoint(): Promise<string> {
  const server = http.createServer();
  const endpoint = await listen(server);
  await new Promise((done) => server.close(done));
  return endpoint;
}
