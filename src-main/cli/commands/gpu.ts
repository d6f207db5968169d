// `studio gpu check | install-cuda`: what the GPU providers need on this machine, and the opt-in CUDA download.
import { checkCudaProvider, installCudaProvider, type CudaProviderDeps, type CudaProviderReport } from '../../studio';
import { parseCommand, UsageError, type CommandSpec } from '../args';
import type { CliIo } from '../io';

export const gpuSpec = {
  name: 'gpu',
  summary: "Check the CUDA provider's files, or download it with onnxruntime-node's own installer (opt-in).",
  usage: 'gpu <check | install-cuda> [--json]',
  options: {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['check', 'report the CUDA provider library and the CUDA 12 / cuDNN 9 libraries it needs; changes nothing'],
    ['install-cuda', "run onnxruntime-node's installer for its CUDA 12 provider (downloads from NuGet: needs a"],
    ['', 'network; Linux x64 only), then check; never part of npm install'],
    ['--json', 'print the report as one JSON object'],
    ['-h, --help', 'show this help'],
  ],
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

export async function runGpu(argv: string[], io: CliIo, deps: CudaProviderDeps = {}): Promise<number> {
  const { values: v, positionals } = parseCommand(gpuSpec, argv);
  const [sub] = positionals;
  if (sub !== 'check' && sub !== 'install-cuda')
    throw new UsageError(`unknown subcommand '${sub}' (see studio gpu --help)`);
  if (sub === 'install-cuda') io.error("running onnxruntime-node's CUDA installer (downloads about 300 MB)…");
  const report = sub === 'check' ? await checkCudaProvider(deps) : await installCudaProvider(deps);
  if (v.json) io.out(JSON.stringify(report));
  else for (const line of describe(report)) io.out(line);
  return report.ready ? 0 : 1;
}

function describe(report: CudaProviderReport): string[] {
  const lines = [
    `CUDA provider for onnxruntime-node ${report.onnxRuntimeVersion ?? '(not found)'} on ${report.platform}`,
  ];
  if (!report.supported) {
    lines.push(
      "  not offered here: onnxruntime-node's CUDA provider is for Linux x64 (WebGPU, DirectML or CoreML serve",
    );
    lines.push('  the other platforms; see `studio` settings)');
    return lines;
  }
  if (report.installer) lines.push(`  installer: ${report.installer.message}`);
  for (const lib of report.providerLibraries)
    lines.push(`  ${lib.file}: ${lib.present ? 'installed' : `missing (in ${report.bindingDir})`}`);
  if (report.missingRuntime.length === 0) lines.push('  CUDA 12 and cuDNN 9 libraries: found');
  for (const lib of report.missingRuntime) lines.push(`  ${lib.file}: missing (install ${lib.from})`);
  lines.push(
    report.ready
      ? '  ready: choose CUDA in the settings or with --provider cuda (Automatic measures it)'
      : report.providerLibraries.some((l) => !l.present)
        ? '  not ready: run `studio gpu install-cuda` where a network exists'
        : '  not ready: install the missing libraries above (or put their folder on LD_LIBRARY_PATH)',
  );
  return lines;
}
