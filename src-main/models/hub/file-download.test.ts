// One file's transfer, and the seam for checkpoint repositories, against a local server that answers like the Hub:
// a server that ignores Range, a partial file longer than the file, retries that run out, and a checkpoint handed to
// an importer after its hash was checked.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../../app-paths';
import { downloadFile } from './file-download';
import { createHubClient, type HubClient, type HubFile } from './hub-client';
import { planDownload, runDownload } from './hub-download';
import { repoFromFolder, startFakeHub, type FakeHub } from './test-support/fake-hub';

const tinySd = path.join(appRoot(), 'src-main', 'engine', 'test-fixtures', 'models', 'tiny-sd');
const commit = 'e'.repeat(40);
const unet = 'unet/model.onnx';
const unetBytes = readFileSync(path.join(tinySd, unet));
const temp = mkdtempSync(path.join(os.tmpdir(), 'hub-file-'));
let hub: FakeHub;
let client: HubClient;
let file: HubFile;

beforeAll(async () => {
  hub = await startFakeHub();
  hub.repos.set('studio/tiny', repoFromFolder(tinySd, commit));
  client = createHubClient({ endpoint: hub.endpoint });
  file = (await client.repoInfo('studio/tiny', 'main')).files.find((f) => f.path === unet)!;
});
afterAll(async () => {
  await hub.close();
  rmSync(temp, { recursive: true, force: true });
});

const fetchUnet = (dest: string, attempts = 3) =>
  downloadFile({ client, repo: 'studio/tiny', commit, file, dest, retry: { attempts, delayMs: 1 } });

describe('downloadFile', () => {
  it('lists LFS files with their SHA-256 and the others with their git blob id', () => {
    expect(file).toEqual({
      path: unet,
      size: unetBytes.length,
      sha256: createHash('sha256').update(unetBytes).digest('hex'),
      gitSha1: null,
    });
  });

  it('starts over when the server ignores the Range, and when the partial file is longer than the file', async () => {
    for (const [name, partBytes] of [
      ['ignored-range', unetBytes.subarray(0, 1000)],
      ['long-part', Buffer.concat([unetBytes, Buffer.alloc(10)])],
    ] as const) {
      const dest = path.join(temp, name, 'model.onnx');
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(`${dest}.part`, partBytes);
      if (name === 'ignored-range') hub.ignoreRange.add(unet);
      try {
        await fetchUnet(dest);
      } finally {
        hub.ignoreRange.clear();
      }
      expect(readFileSync(dest).equals(unetBytes), name).toBe(true);
      expect(existsSync(`${dest}.part`)).toBe(false);
    }
  });

  it('tries again after a server error, and not after a missing file', async () => {
    const dest = path.join(temp, 'busy', 'model.onnx');
    hub.failOnce.set(unet, 503);
    hub.requests.length = 0;
    await fetchUnet(dest);
    expect(readFileSync(dest).equals(unetBytes)).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'hub').map((r) => r.url.endsWith('unet/model.onnx'))).toEqual([
      true,
      true,
    ]);
    const missing = { ...file, path: 'unet/gone.onnx' };
    await expect(
      downloadFile({ client, repo: 'studio/tiny', commit, file: missing, dest: path.join(temp, 'gone.onnx') }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'studio/tiny has no file unet/gone.onnx' });
  });

  it('gives up after the bounded retries, keeping what arrived for the next run', async () => {
    const dest = path.join(temp, 'cut', 'model.onnx');
    hub.alwaysCut.add(unet);
    hub.requests.length = 0;
    try {
      await expect(fetchUnet(dest, 3)).rejects.toMatchObject({
        code: 'download_failed',
        message: expect.stringMatching(/^unet\/model.onnx: gave up after 3 attempts \(.*\); run the download again/),
      });
    } finally {
      hub.alwaysCut.clear();
    }
    // Each try resumes where the one before stopped.
    const ranges = hub.requests.filter((r) => r.server === 'cdn').map((r) => r.range);
    expect(ranges).toEqual([null, expect.stringMatching(/^bytes=\d+-$/), expect.stringMatching(/^bytes=\d+-$/)]);
    const [a, b] = ranges.slice(1).map((r) => Number(/\d+/.exec(r!)![0]));
    const kept = statSync(`${dest}.part`).size;
    expect(0 < a && a <= b && b <= kept && kept < unetBytes.length).toBe(true);
    await fetchUnet(dest);
    expect(readFileSync(dest).equals(unetBytes)).toBe(true);
  });
});

describe('checkpoint repositories', () => {
  it('hand the checked file to the checkpoint importer, when the studio has one', async () => {
    const checkpoint = Buffer.from('not really a checkpoint, but bytes with a hash');
    hub.repos.set('someone/ckpt', { commit, files: new Map([['model.safetensors', checkpoint]]) });
    const imported: { bytes: Buffer; name: string }[] = [];
    const importCheckpoint = async (from: string, name: string) => {
      imported.push({ bytes: readFileSync(from), name });
    };
    const plan = await planDownload(
      client,
      { repo: 'someone/ckpt', revision: 'main' },
      { importCheckpoint, nameTaken: () => false },
    );
    expect(plan).toMatchObject({ kind: 'checkpoint', name: 'ckpt', totalBytes: checkpoint.length });
    const places = { downloadsDir: path.join(temp, 'downloads'), modelsDir: path.join(temp, 'models') };
    await runDownload(plan, { ...places, client, importCheckpoint });
    expect(imported).toEqual([{ bytes: checkpoint, name: 'ckpt' }]);
    expect(existsSync(path.join(places.downloadsDir, `someone--ckpt--${commit}`))).toBe(false);
  });
});
