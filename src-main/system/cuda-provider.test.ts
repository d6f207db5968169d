// The CUDA provider's check and installer, without a network and without touching the shared onnxruntime-node: the
// installer is a stand-in script (failing as a download does offline, or writing the library files as a successful
// download would) in a copy of the package's layout. The system-library check also runs for real on this machine.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCudaProvider, cudaRuntimeLibraries, installCudaProvider, type CudaProviderDeps } from './cuda-provider';

const temp = mkdtempSync(path.join(os.tmpdir(), 'cuda-provider-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** onnxruntime-node's layout: package.json, script/install.js (the stand-in), an empty binding folder. */
function fakePackage(name: string, installer: string): string {
  const dir = path.join(temp, name);
  mkdirSync(path.join(dir, 'script'), { recursive: true });
  mkdirSync(path.join(dir, 'bin', 'napi-v6', 'linux', 'x64'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version: '1.30.0' }));
  writeFileSync(path.join(dir, 'script', 'install.js'), installer);
  return dir;
}

const runNode: CudaProviderDeps['runNode'] = (script, args, cwd) =>
  new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });

const linux = { platform: 'linux', arch: 'x64', runNode, libraryDirs: [] } as const;
const allRuntime = () => cudaRuntimeLibraries.map((l) => `\t${l.file} (libc6,x86-64) => /usr/lib/${l.file}`).join('\n');

describe('studio gpu install-cuda, offline', () => {
  it('reports a failed download as such, and lists the missing CUDA/cuDNN libraries', async () => {
    const packageDir = fakePackage(
      'offline',
      `console.error('Error: getaddrinfo ENOTFOUND api.nuget.org'); process.exit(1);`,
    );
    const report = await installCudaProvider({ ...linux, packageDir, linkerCache: () => '' });
    expect(report.installer).toEqual({
      ok: false,
      message:
        'could not download the CUDA provider (no network to api.nuget.org?): Error: getaddrinfo ENOTFOUND api.nuget.org',
    });
    expect(report.providerLibraries).toEqual([
      { file: 'libonnxruntime_providers_cuda.so', present: false },
      { file: 'libonnxruntime_providers_shared.so', present: false },
    ]);
    expect(report.missingRuntime.map((l) => l.file)).toEqual(cudaRuntimeLibraries.map((l) => l.file));
    expect(report.ready).toBe(false);
  });

  it('passes the CUDA 12 flag to the installer and finds what it installed', async () => {
    const packageDir = fakePackage(
      'online',
      `const fs = require('fs');
       if (!process.argv.includes('--onnxruntime-node-install=cuda12')) process.exit(3);
       for (const f of ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'])
         fs.writeFileSync('bin/napi-v6/linux/x64/' + f, '');`,
    );
    const report = await installCudaProvider({ ...linux, packageDir, linkerCache: allRuntime });
    expect(report.installer).toEqual({ ok: true, message: 'installed the CUDA provider library' });
    expect(report.onnxRuntimeVersion).toBe('1.30.0');
    expect(report.ready).toBe(true);
  });

  it('names only the libraries that are missing (a CUDA 13 system for a CUDA 12 provider)', async () => {
    const packageDir = fakePackage('cuda13', '');
    const cache = () => '\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda-13.0/lib/libcudart.so.13\n';
    const report = await checkCudaProvider({ ...linux, packageDir, linkerCache: cache });
    expect(report.missingRuntime.map((l) => l.file)).toContain('libcudart.so.12');
    const dir = path.join(temp, 'ld-path');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'libcudnn.so.9'), '');
    const withCudnn = await checkCudaProvider({ ...linux, packageDir, linkerCache: cache, libraryDirs: [dir] });
    expect(withCudnn.missingRuntime.map((l) => l.file)).not.toContain('libcudnn.so.9');
  });

  it('does not run the installer where onnxruntime-node offers no CUDA provider', async () => {
    const packageDir = fakePackage('mac', 'process.exit(9)');
    const report = await installCudaProvider({ platform: 'darwin', arch: 'arm64', packageDir, runNode });
    expect(report).toMatchObject({ supported: false, ready: false, missingRuntime: [] });
    expect(report.installer).toBeUndefined();
  });

  it('checks this machine for real (read-only)', async () => {
    const report = await checkCudaProvider();
    expect(report.onnxRuntimeVersion).toBe('1.30.0');
    // The package's install script is denied at npm install, so the provider library is not here.
    expect(report.providerLibraries.find((l) => l.file === 'libonnxruntime_providers_cuda.so')?.present).toBe(false);
    expect(report.ready).toBe(false);
  });
});
