// Downloads from a local server that answers like the Hub (no network): a whole pipeline, a connection cut mid-file,
// a download cancelled and resumed by the next run, a tampered file, missing and gated repositories, an endpoint
// where nothing listens, and a single-checkpoint repository (handed to the checkpoint importer).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appRoot } from '../../app-paths';
import type { Events } from '../../shared/contract';
import type { DownloadStarted, ModelDetails } from '../../shared/models';
import { studioUnderTest, type StudioUnderTest } from '../../test-support/studio-under-test';
import { deadEndpoint, repoFromFolder, startFakeHub, type FakeHub } from './test-support/fake-hub';

const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const tinyLdm = path.join(appRoot(), 'src-main', 'models', 'checkpoint', 'fixtures', 'tiny-ldm.safetensors');
const commit = '0123456789abcdef0123456789abcdef01234567';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

type Ended =
  | { event: 'models.download.done'; payload: Events['models.download.done'] }
  | { event: 'models.download.failed'; payload: Events['models.download.failed'] };

let hub: FakeHub;
let jobs: StudioUnderTest;

/** Starts a download: its start, a promise of its end, and the progress events it sent so far. */
async function startDownload(input: Record<string, unknown>, on: StudioUnderTest = jobs) {
  const progress: Events['models.download.progress'][] = [];
  const ends: Ended[] = [];
  let id = '';
  let settle = () => {};
  const stop = on.studio.events.subscribe((event, payload) => {
    if (event === 'models.download.progress') progress.push(payload as Events['models.download.progress']);
    if (event === 'models.download.done' || event === 'models.download.failed') {
      ends.push({ event, payload } as Ended);
      settle();
    }
  });
  let started: DownloadStarted;
  try {
    started = await on.call<DownloadStarted>('models.download', input);
  } catch (error) {
    stop();
    throw error;
  }
  id = started.downloadId;
  const mine = () => ends.find((e) => e.payload.downloadId === id);
  const ended = new Promise<Ended>((resolve) => {
    settle = () => void (mine() && resolve(mine()!));
    settle();
  }).finally(stop);
  return { started, ended, progress: () => progress.filter((p) => p.downloadId === id) };
}

async function download(input: Record<string, unknown>, on: StudioUnderTest = jobs) {
  const { started, ended, progress } = await startDownload(input, on);
  return { started, ended: await ended, progress: progress() };
}

async function refusal(input: Record<string, unknown>, on: StudioUnderTest = jobs) {
  try {
    await on.call('models.download', input);
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('the download was accepted');
}

/** A fixture repository: the tiny model plus what a real diffusers repo carries that the studio must not fetch. */
function tinyRepo() {
  const repo = repoFromFolder(tinySd, commit);
  repo.files.set('unet/diffusion_pytorch_model.safetensors', Buffer.alloc(2048, 1));
  repo.files.set('text_encoder/pytorch_model.bin', Buffer.alloc(1024, 2));
  repo.files.set('safety_checker/model.onnx', Buffer.alloc(512, 3));
  repo.files.set('.gitattributes', Buffer.from('*.onnx filter=lfs\n'));
  repo.files.set('README.md', Buffer.from('# tiny-sd on the Hub\n'));
  return repo;
}

beforeAll(async () => {
  hub = await startFakeHub();
  hub.repos.set('studio/tiny-sd-onnx', tinyRepo());
  jobs = studioUnderTest('hub', { hubRetry: { attempts: 3, delayMs: 10 }, hubToken: '' });
  await jobs.call('settings.set', { key: 'hubEndpoint', value: `${hub.endpoint}/` });
});
afterAll(async () => {
  await jobs.close();
  await hub.close();
});
beforeEach(() => {
  hub.requests.length = 0;
});

describe('models.download', () => {
  it('fetches the pipeline files only, checks them, and installs the model in the library', async () => {
    const { started, ended, progress } = await download({ repo: 'studio/tiny-sd-onnx', name: 'tiny-hub' });
    expect(ended.event).toBe('models.download.done');
    expect(started).toMatchObject({ repo: 'studio/tiny-sd-onnx', commit, name: 'tiny-hub', files: 15 });

    const installed = path.join(jobs.dataDir, 'models', 'tiny-hub');
    const fetched = readdirSync(installed, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(installed, path.join(e.parentPath, e.name)));
    expect(fetched.sort()).toEqual([...repoFromFolder(tinySd).files.keys(), 'README.md'].sort());
    for (const file of repoFromFolder(tinySd).files.keys()) {
      expect(readFileSync(path.join(installed, file)).equals(readFileSync(path.join(tinySd, file))), file).toBe(true);
    }
    const requested = hub.requests.map((r) => r.url).join('\n');
    expect(requested).not.toMatch(/pytorch_model|safety_checker|gitattributes/);
    // Files come from the listed commit, not from the moving branch.
    expect(hub.requests.filter((r) => r.url.includes('/resolve/')).every((r) => r.url.includes(commit))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ filesDone: 15, filesTotal: 15, bytes: started.totalBytes });
    expect(readdirSync(path.join(jobs.dataDir, 'downloads'))).toEqual([]);

    const [details] = await jobs.call<ModelDetails[]>('models.details', { model: 'tiny-hub' });
    expect(details).toMatchObject({ id: 'user:tiny-hub', source: 'data', problems: [], readme: '# tiny-sd on the Hub\n' });
    const added = await jobs.call<ModelDetails>('models.add', { path: tinySd });
    expect(details.hash).toBe(added.hash);
    // And the studio generates with it at once.
    const done = await jobs.generate({ model: 'tiny-hub', prompt: 'a red circle', seed: '3', steps: 2 });
    expect(done.images).toHaveLength(1);
  }, 60_000);

  it('resumes a file after the connection is cut, with a Range request, and checks its hash', async () => {
    const unet = 'unet/model.onnx';
    hub.cutOnce.add(unet);
    const { ended } = await download({ repo: 'studio/tiny-sd-onnx', name: 'tiny-cut' });
    expect(ended.event).toBe('models.download.done');
    const gets = hub.requests.filter((r) => r.server === 'cdn' && r.url.endsWith(encodeURIComponent(unet)));
    expect(gets.map((r) => r.range)).toEqual([null, expect.stringMatching(/^bytes=\d+-$/)]);
    const resumedAt = Number(/\d+/.exec(gets[1].range!)![0]);
    const size = readFileSync(path.join(tinySd, unet)).length;
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(size);
    const got = readFileSync(path.join(jobs.dataDir, 'models', 'tiny-cut', unet));
    expect(sha256(got)).toBe(sha256(readFileSync(path.join(tinySd, unet))));
  }, 60_000);

  it('keeps the partial file of a cancelled download, and the next run resumes it', async () => {
    const unet = 'unet/model.onnx';
    hub.stallOnce.add(unet);
    const first = await startDownload({ repo: 'studio/tiny-sd-onnx', name: 'tiny-later' });
    const part = path.join(jobs.dataDir, 'downloads', `studio--tiny-sd-onnx--${commit}`, 'unet', 'model.onnx.part');
    await waitFor(() => existsSync(part) && readFileSync(part).length > 0);
    const { downloadId } = first.started;
    expect(await jobs.call('models.downloadCancel', { downloadId })).toEqual({ cancelled: true });
    const ended = await first.ended;
    expect(ended.payload).toMatchObject({ code: 'download_failed', reason: 'cancelled' });
    expect(existsSync(path.join(jobs.dataDir, 'models', 'tiny-later'))).toBe(false);
    const kept = readFileSync(part).length;
    expect(kept).toBeGreaterThan(0);

    hub.requests.length = 0;
    const again = await download({ repo: 'studio/tiny-sd-onnx', name: 'tiny-later' });
    expect(again.ended.event).toBe('models.download.done');
    const unetGets = hub.requests.filter((r) => r.server === 'cdn' && r.url.endsWith(encodeURIComponent(unet)));
    expect(unetGets.map((r) => r.range)).toEqual([`bytes=${kept}-`]);
    // Files finished by the first run are not fetched again.
    expect(hub.requests.some((r) => r.url.includes('text_encoder'))).toBe(false);
    const got = readFileSync(path.join(jobs.dataDir, 'models', 'tiny-later', unet));
    expect(got.equals(readFileSync(path.join(tinySd, unet)))).toBe(true);
  }, 60_000);

  it('refuses and deletes a file whose bytes do not match the Hub’s SHA-256, and installs nothing', async () => {
    const file = 'text_encoder/model.onnx';
    const bad = Buffer.from(readFileSync(path.join(tinySd, file)));
    bad[bad.length >> 1] ^= 0xff;
    hub.tampered.set(file, bad);
    try {
      const { ended } = await download({ repo: 'studio/tiny-sd-onnx', name: 'tiny-bad' });
      const expected = sha256(readFileSync(path.join(tinySd, file)));
      expect(ended.payload).toEqual({
        downloadId: expect.any(String),
        repo: 'studio/tiny-sd-onnx',
        code: 'download_failed',
        reason: 'hash_mismatch',
        message: `${file}: SHA-256 ${sha256(bad)} does not match the Hub's ${expected}; the file was refused and deleted`,
      });
    } finally {
      hub.tampered.clear();
    }
    const staging = path.join(jobs.dataDir, 'downloads', `studio--tiny-sd-onnx--${commit}`, 'text_encoder');
    expect(readdirSync(staging)).toEqual(['config.json']);
    expect(existsSync(path.join(jobs.dataDir, 'models', 'tiny-bad'))).toBe(false);
  }, 60_000);

  it('names a missing repository, revision, a gated repository and an unreachable endpoint', async () => {
    expect(await refusal({ repo: 'nobody/nothing' })).toMatchObject({
      code: 'not_found',
      message: `nobody/nothing: no such repository on ${hub.endpoint} (or it is private: set HF_TOKEN to a token with access)`,
    });
    expect(await refusal({ repo: 'studio/tiny-sd-onnx', revision: 'v9' })).toMatchObject({
      code: 'not_found',
      message: 'studio/tiny-sd-onnx has no revision v9',
    });
    hub.repos.set('studio/gated', { ...tinyRepo(), gatedToken: 'hf_secret' });
    expect(await refusal({ repo: 'studio/gated' })).toMatchObject({
      code: 'download_failed',
      message: expect.stringMatching(/^studio\/gated is gated on http:\/\/127.0.0.1:\d+: accept its conditions/),
    });
    expect(await refusal({ repo: 'studio/tiny-sd-onnx', name: 'tiny-hub' })).toMatchObject({
      code: 'conflict',
      message: 'a model named tiny-hub is already installed (choose another name)',
    });

    const offline = await deadEndpoint();
    await jobs.call('settings.set', { key: 'hubEndpoint', value: offline });
    try {
      expect(await refusal({ repo: 'studio/tiny-sd-onnx', name: 'x' })).toMatchObject({
        code: 'download_failed',
        message: `cannot reach ${offline}: connection refused (ECONNREFUSED)`,
      });
    } finally {
      await jobs.call('settings.set', { key: 'hubEndpoint', value: hub.endpoint });
    }
  });

  it('sends the token to the Hub only, never to the CDN it redirects to', async () => {
    const withToken = studioUnderTest('hub-token', { hubToken: 'hf_secret', hubRetry: { attempts: 1, delayMs: 0 } });
    try {
      await withToken.call('settings.set', { key: 'hubEndpoint', value: hub.endpoint });
      const { ended } = await download({ repo: 'studio/gated' }, withToken);
      expect(ended.event).toBe('models.download.done');
      expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
      const cdn = hub.requests.filter((r) => r.server === 'cdn');
      expect(cdn.length).toBeGreaterThan(0);
      expect(cdn.every((r) => r.authorization === null)).toBe(true);
      // A token whose account has not accepted the conditions: the listing comes, the files do not.
      await withToken.call('models.remove', { model: 'gated', deleteFiles: true });
      hub.repos.get('studio/gated')!.gatedToken = 'hf_other';
      const refused = await download({ repo: 'studio/gated' }, withToken);
      expect(refused.ended.payload).toMatchObject({
        reason: 'gated',
        message: expect.stringMatching(/^studio\/gated is gated on /),
      });
    } finally {
      await withToken.close();
    }
  }, 60_000);

  it('hands a single-file checkpoint to the checkpoint importer, and refuses a repo with no ONNX pipeline', async () => {
    // The tiny fixture checkpoint cannot be imported without its config (its group norms do not split into 32):
    // the download completes, then the importer's own refusal is the download's end.
    hub.repos.set('someone/checkpoint', {
      commit,
      files: new Map([
        ['tiny-ldm.safetensors', readFileSync(tinyLdm)],
        ['README.md', Buffer.from('# ckpt')],
      ]),
    });
    const { ended } = await download({ repo: 'someone/checkpoint', name: 'tiny-ldm' });
    if (ended.event !== 'models.download.failed') throw new Error('the checkpoint was imported without its config');
    expect(ended.payload.message).toMatch(/do not split into 32 groups; name the model's config with --config/);
    const several = hub.repos.get('someone/checkpoint')!;
    several.files.set('other.safetensors', Buffer.alloc(64));
    expect((await refusal({ repo: 'someone/checkpoint' })).message).toMatch(/several checkpoints/);

    const torchOnly = repoFromFolder(tinySd, commit);
    torchOnly.files.delete('unet/model.onnx');
    torchOnly.files.set('unet/diffusion_pytorch_model.safetensors', Buffer.alloc(64));
    hub.repos.set('someone/torch', torchOnly);
    expect((await refusal({ repo: 'someone/torch' })).message).toMatch(/not a diffusers ONNX pipeline \(no unet\/model.onnx\)/);
  });

  it('validates its input and the endpoint setting', async () => {
    for (const input of [{ repo: '../etc' }, { repo: 'a/b/c' }, { repo: 'ok/ok', revision: '../x' }, { repo: 'ok/ok', name: '../up' }]) {
      expect((await refusal(input)).code, JSON.stringify(input)).toBe('invalid_input');
    }
    for (const value of ['ftp://hub', 'not a url', 'https://user:pw@hub.example', 'https://hub.example/?q=1']) {
      await expect(jobs.call('settings.set', { key: 'hubEndpoint', value }), value).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error('timed out waiting');
}

