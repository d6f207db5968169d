// `studio gpu`: usage errors, and the offline install report as a person reads it (a stand-in installer that fails
// like a download without a network, in a copy of onnxruntime-node's layout; nothing is downloaded or installed).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runGpu } from './commands/gpu';
import { main } from './main';
import { captureIo } from './test-support/run-cli';

const temp = mkdtempSync(path.join(os.tmpdir(), 'studio-gpu-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

it('refuses an unknown subcommand in one line', async () => {
  const c = captureIo();
  expect(await main(['gpu', 'install-rocm'], c.io)).toBe(2);
  expect(c.error).toEqual(["studio gpu: unknown subcommand 'install-rocm' (see studio gpu --help)"]);
});

it('install-cuda without a network says the download failed and what the system lacks', async () => {
  const packageDir = path.join(temp, 'onnxruntime-node');
  mkdirSync(path.join(packageDir, 'script'), { recursive: true });
  mkdirSync(path.join(packageDir, 'bin', 'napi-v6', 'linux', 'x64'), { recursive: true });
  writeFileSync(path.join(packageDir, 'package.json'), '{"version":"1.30.0"}');
  writeFileSync(
    path.join(packageDir, 'script', 'install.js'),
    "console.error('Error: getaddrinfo EAI_AGAIN api.nuget.org'); process.exit(1);",
  );
  const c = captureIo();
  const code = await runGpu(['install-cuda'], c.io, {
    platform: 'linux',
    arch: 'x64',
    packageDir,
    libraryDirs: [],
    linkerCache: () => '\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/libcuda.so.1\n',
  });
  expect(code).toBe(1);
  const text = c.out.join('\n');
  expect(text).toContain(
    'installer: could not download the CUDA provider (no network to api.nuget.org?): Error: getaddrinfo EAI_AGAIN api.nuget.org',
  );
  expect(text).toContain('libonnxruntime_providers_cuda.so: missing');
  expect(text).toContain('libcudnn.so.9: missing (install cuDNN 9)');
  expect(text).not.toContain('libcuda.so.1');
  expect(text).toMatch(/not ready: run `studio gpu install-cuda` where a network exists$/);
});
