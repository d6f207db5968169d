// The opt-in CUDA provider: onnxruntime-node's own installer downloads its CUDA provider library (never run by
// `npm install`: package.json's allowScripts denies it, so offline installs work), and this module reports what the
// provider still needs from the system — the CUDA 12 runtime, cuDNN 9 and the NVIDIA driver — by their file names.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { systemLibraries, type LibrarySearch } from '../fs/system-libraries';

/** What libonnxruntime_providers_cuda.so (CUDA 12 build) loads, with what provides it. */
export const cudaRuntimeLibraries: readonly { file: string; from: string }[] = [
  { file: 'libcudart.so.12', from: 'CUDA 12 runtime' },
  { file: 'libcublas.so.12', from: 'CUDA 12 cuBLAS' },
  { file: 'libcublasLt.so.12', from: 'CUDA 12 cuBLAS' },
  { file: 'libcufft.so.11', from: 'CUDA 12 cuFFT' },
  { file: 'libcurand.so.10', from: 'CUDA 12 cuRAND' },
  { file: 'libcudnn.so.9', from: 'cuDNN 9' },
  { file: 'libcuda.so.1', from: 'the NVIDIA driver' },
];

const providerFiles = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];

export interface CudaProviderReport {
  platform: string;
  /** onnxruntime-node's installer offers the CUDA provider on Linux x64 only. */
  supported: boolean;
  onnxRuntimeVersion: string | null;
  /** Where the provider libraries go (onnxruntime-node's binding folder). */
  bindingDir: string | null;
  providerLibraries: { file: string; present: boolean }[];
  /** System libraries the provider cannot find, with what provides each. */
  missingRuntime: { file: string; from: string }[];
  /** Set when the installer ran: whether it succeeded and its last words. */
  installer?: { ok: boolean; message: string };
  ready: boolean;
}

export interface CudaProviderDeps extends LibrarySearch {
  platform?: string;
  arch?: string;
  /** onnxruntime-node's package folder; default: resolved from this module. */
  packageDir?: string | null;
  /** Runs `node script args` in `cwd`; default a child process with a time limit. */
  runNode?: (script: string, args: string[], cwd: string) => Promise<{ code: number; output: string }>;
}

export function onnxRuntimePackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
}

/** What is installed and what is missing, without changing anything. */
export async function checkCudaProvider(deps: CudaProviderDeps = {}): Promise<CudaProviderReport> {
  const platform = deps.platform ?? process.platform;
  const arch = deps.arch ?? process.arch;
  const packageDir = deps.packageDir === undefined ? onnxRuntimePackageDir() : deps.packageDir;
  const supported = platform === 'linux' && arch === 'x64';
  const bindingDir = packageDir ? path.join(packageDir, 'bin', 'napi-v6', platform, arch) : null;
  const providerLibraries = providerFiles.map((file) => ({
    file,
    present: bindingDir !== null && existsSync(path.join(bindingDir, file)),
  }));
  const found = supported ? systemLibraries(deps) : new Set<string>();
  const missingRuntime = supported ? cudaRuntimeLibraries.filter((l) => !found.has(l.file)) : [];
  return {
    platform: `${platform}/${arch}`,
    supported,
    onnxRuntimeVersion: packageDir ? packageVersion(packageDir) : null,
    bindingDir,
    providerLibraries,
    missingRuntime,
    ready: supported && providerLibraries.every((l) => l.present) && missingRuntime.length === 0,
  };
}

/**
 * Runs onnxruntime-node's installer for its CUDA 12 provider (it downloads from NuGet, so it needs a network), then
 * reports as checkCudaProvider does, with the installer's outcome.
 */
export async function installCudaProvider(deps: CudaProviderDeps = {}): Promise<CudaProviderReport> {
  const before = await checkCudaProvider(deps);
  if (!before.supported || !before.bindingDir) return before;
  const packageDir = path.resolve(before.bindingDir, '..', '..', '..', '..');
  const script = path.join(packageDir, 'script', 'install.js');
  if (!existsSync(script))
    return { ...before, installer: { ok: false, message: `onnxruntime-node has no installer at ${script}` } };
  const run = deps.runNode ?? runNodeScript;
  const { code, output } = await run(script, ['--onnxruntime-node-install=cuda12'], packageDir);
  const after = await checkCudaProvider(deps);
  const ok = code === 0 && after.providerLibraries.every((l) => l.present);
  return { ...after, installer: { ok, message: installerMessage(code, output, ok) } };
}

/** One line a person can act on, from the installer's output. */
function installerMessage(code: number, output: string, ok: boolean): string {
  if (ok) return 'installed the CUDA provider library';
  const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|timed out/i.test(
    output,
  );
  const last =
    output
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /error|failed|cannot|unable/i.test(l))
      .at(-1) ?? output.trim().split('\n').at(-1)?.trim();
  const detail = last ? `: ${last.slice(0, 300)}` : '';
  if (offline) return `could not download the CUDA provider (no network to api.nuget.org?)${detail}`;
  return `onnxruntime-node's installer failed (exit ${code})${detail}`;
}

function packageVersion(packageDir: string): string | null {
  try {
    return (createRequire(import.meta.url)(path.join(packageDir, 'package.json')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The installer as a child process, output captured, stopped after ten minutes (a stalled download). */
function runNodeScript(script: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd, timeout: 600_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const timedOut = error?.killed ? '\ninstaller timed out' : '';
        resolve({ code, output: `${stdout}\n${stderr}${timedOut}` });
      },
    );
  });
}
