import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { optimizeModelFolder, providerPreferences, type ProviderPreference } from '../../studio';
import { intOption, parseCommand, UsageError, type CommandSpec } from '../args';
import type { CliIo } from '../io';

export const optimizeSpec = {
  name: 'optimize',
  summary: 'Write an optimised copy of a diffusers ONNX model folder (fused attention and norms; optional fp16).',
  usage: 'optimize --model DIR --out DIR [--provider ID] [--fp16] [--width W --height H [--batch N]] [--json]',
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    provider: { type: 'string' },
    fp16: { type: 'boolean' },
    width: { type: 'string' },
    height: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  help: [
    ['--model DIR', 'the diffusers ONNX model folder to optimise (left unchanged)'],
    ['--out DIR', 'where the optimised folder is written (created; must not be --model)'],
    [
      '--provider ID',
      `the provider the copy is meant for: ${providerPreferences.filter((p) => p !== 'auto').join(', ')} ` +
        '(default webgpu; the fused graph runs on every provider, CPU included)',
    ],
    ['--fp16', 'convert weights and activations to fp16 (graph inputs and outputs, softmax and group norm stay fp32)'],
    ['--width W, --height H', 'fix the graphs to this image size (multiples of 8) and fold their shape arithmetic'],
    ['--batch N', 'with --width/--height: the UNet call batch (default 2: one image with guidance)'],
    ['--json', 'print the report as one JSON object: optimizerVersion, fusions, components, files'],
    ['-h, --help', 'show this help'],
  ],
} as const satisfies CommandSpec<Record<string, { type: 'string' | 'boolean'; short?: string }>>;

function fixedSize(values: { width?: string; height?: string; batch?: string }) {
  const width = intOption('width', values.width, 8, 8192);
  const height = intOption('height', values.height, 8, 8192);
  const batch = intOption('batch', values.batch, 1, 64);
  if ((width === undefined) !== (height === undefined))
    throw new UsageError('options --width and --height go together');
  if (width === undefined || height === undefined) {
    if (batch !== undefined) throw new UsageError('option --batch needs --width and --height');
    return undefined;
  }
  if (width % 8 !== 0 || height % 8 !== 0) throw new UsageError('options --width and --height must be multiples of 8');
  return { width, height, batch: batch ?? 2 };
}

export async function runOptimize(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(optimizeSpec, argv);
  if (!values.model) throw new UsageError('option --model is required');
  if (!values.out) throw new UsageError('option --out is required');
  const provider = values.provider ?? 'webgpu';
  if (provider === 'auto' || !providerPreferences.includes(provider as ProviderPreference))
    throw new UsageError(
      `option --provider must be one of ${providerPreferences.filter((p) => p !== 'auto').join(', ')}, got '${provider}'`,
    );
  const size = fixedSize(values);
  const modelDir = path.resolve(values.model);
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory()) throw new Error(`${values.model}: no such folder`);
  const report = await optimizeModelFolder({
    modelDir,
    outDir: path.resolve(values.out),
    fp16: values.fp16 ?? false,
    fixedSize: size,
    onProgress: (_, stage) => io.error(`optimize: ${stage}`),
  });
  if (values.json) io.out(JSON.stringify({ provider, ...report }));
  else {
    io.out(`optimised ${report.components.join(', ')} (optimiser version ${report.optimizerVersion}) for ${provider}`);
    for (const [kind, count] of Object.entries(report.fusions)) io.out(`  ${kind}: ${count}`);
  }
  return 0;
}
