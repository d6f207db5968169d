// A diffusers ONNX folder → an optimised copy any loader of that layout can open: every component graph fused
// (and fixed in size, and converted to fp16, when asked), everything else copied as it is.
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadTensorBytes, readModelFile, writeModelFile, type OnnxModel } from '../../formats/onnx';
import { convertToFloat16 } from './convert-fp16';
import { fixInputDimensions, foldShapeArithmetic } from './fix-dimensions';
import { fuseModel, type FusionCounts } from './optimize-graph';

/** Bumped whenever a change of the optimiser changes its output graphs (cached copies are rebuilt). */
export const OPTIMIZER_VERSION = 1;

export interface OptimizeOptions {
  modelDir: string;
  outDir: string;
  fp16: boolean;
  /** Pixel size and UNet call batch (2 × images with classifier-free guidance) to fix the graphs to. */
  fixedSize?: { width: number; height: number; batch: number };
  onProgress?: (fraction: number, stage: string) => void;
  signal?: AbortSignal;
}

export interface OptimizeReport {
  optimizerVersion: number;
  fusions: Record<string, number>;
  /** The component folders whose graph was rewritten. */
  components: string[];
  /** Every file written, relative to outDir, '/'-separated. */
  files: string[];
}

const graphComponents = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'];
/** Weights at least this large go to the external-data file beside the graph. */
const EXTERNAL_THRESHOLD = 1 << 20;
const TEXT_LENGTH = 77;

export class OptimizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizeError';
  }
}

/** The fixed input sizes of one component for a requested size, by input name and axis (null: left as it is). */
function fixedInputs(
  component: string,
  size: NonNullable<OptimizeOptions['fixedSize']>,
  config: Record<string, unknown>,
): Record<string, Array<number | null>> | null {
  const [h, w] = [size.height / 8, size.width / 8];
  const number = (key: string, fallback: number) =>
    typeof config[key] === 'number' ? (config[key] as number) : fallback;
  switch (component) {
    case 'unet':
      return {
        sample: [size.batch, number('in_channels', 4), h, w],
        timestep: [size.batch],
        encoder_hidden_states: [size.batch, TEXT_LENGTH, number('cross_attention_dim', 768)],
      };
    case 'vae_decoder':
      // The engine decodes and encodes one image per call.
      return { latent_sample: [1, number('latent_channels', 4), h, w] };
    case 'vae_encoder':
      return { sample: [1, number('in_channels', 3), size.height, size.width] };
    default:
      return null;
  }
}

function checkOptions(options: OptimizeOptions): void {
  if (resolve(options.modelDir) === resolve(options.outDir))
    throw new OptimizeError('the output folder must not be the model folder');
  const size = options.fixedSize;
  if (!size) return;
  for (const [name, value] of Object.entries(size))
    if (!Number.isInteger(value) || value < 1) throw new OptimizeError(`fixed ${name} must be a positive integer`);
  if (size.width % 8 !== 0 || size.height % 8 !== 0)
    throw new OptimizeError('fixed width and height must be multiples of 8 (one latent is 8 pixels)');
}

/** Initializers held in external files become in-memory bytes (fusions and fp16 conversion read weights). */
async function inlineWeights(model: OnnxModel, dir: string): Promise<void> {
  model.graph.initializers = await Promise.all(
    model.graph.initializers.map(async (t) => {
      if (t.dataLocation !== 1) return t;
      const copy = { ...t, rawData: await loadTensorBytes(t, dir) };
      delete copy.externalData;
      delete copy.dataLocation;
      return copy;
    }),
  );
}

function timestepIsBatched(model: OnnxModel): boolean {
  const timestep = model.graph.inputs.find((i) => i.name === 'timestep');
  return timestep?.type?.tensor?.shape?.[0]?.value !== 1;
}

async function optimizeComponent(
  source: string,
  target: string,
  component: string,
  options: OptimizeOptions,
): Promise<FusionCounts> {
  const model = await readModelFile(join(source, 'model.onnx'));
  await inlineWeights(model, source);
  const counts = fuseModel(model);
  const config = await readFile(join(source, 'config.json'), 'utf8')
    .then((text) => JSON.parse(text) as Record<string, unknown>)
    .catch(() => ({}));
  const size = options.fixedSize && fixedInputs(component, options.fixedSize, config);
  if (size) {
    if (component === 'unet' && !timestepIsBatched(model)) size.timestep = [1];
    fixInputDimensions(model, size);
    counts.foldedShapeValues = await foldShapeArithmetic(model);
  }
  if (options.fp16) counts.float16Weights = convertToFloat16(model.graph);
  model.producerName = 'diffusion-studio graph optimiser';
  model.producerVersion = String(OPTIMIZER_VERSION);
  const large = model.graph.initializers.some((t) => (t.rawData?.length ?? 0) >= EXTERNAL_THRESHOLD);
  await writeModelFile(join(target, 'model.onnx'), model, {
    externalData: large ? { location: 'model.onnx.data', threshold: EXTERNAL_THRESHOLD } : undefined,
  });
  return counts;
}

/** Files of the folder, recursively, '/'-separated and relative to it. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), path)));
    else out.push(path);
  }
  return out.sort();
}

export async function optimizeModelFolder(options: OptimizeOptions): Promise<OptimizeReport> {
  checkOptions(options);
  const { modelDir, outDir, signal } = options;
  const progress = options.onProgress ?? (() => {});
  if (!(await stat(join(modelDir, 'model_index.json')).catch(() => null)))
    throw new OptimizeError(`${modelDir} is not a diffusers ONNX folder (no model_index.json)`);
  await mkdir(outDir, { recursive: true });
  const present: string[] = [];
  for (const c of graphComponents) if (await stat(join(modelDir, c, 'model.onnx')).catch(() => null)) present.push(c);

  // Everything but the graphs and their weights is copied as it is (configs, tokenizer, scheduler, other parts).
  await cp(modelDir, outDir, {
    recursive: true,
    filter: (src) => !present.some((c) => resolve(src).startsWith(resolve(modelDir, c) + '/')) || isConfig(src),
  });

  const fusions: Record<string, number> = {};
  const components: string[] = [];
  for (const [i, component] of present.entries()) {
    signal?.throwIfAborted();
    progress(i / present.length, `optimising ${component}`);
    await mkdir(join(outDir, component), { recursive: true });
    const counts = await optimizeComponent(join(modelDir, component), join(outDir, component), component, options);
    for (const [kind, n] of Object.entries(counts)) fusions[kind] = (fusions[kind] ?? 0) + n;
    components.push(component);
  }
  progress(1, 'done');
  return { optimizerVersion: OPTIMIZER_VERSION, fusions, components, files: await listFiles(outDir) };
}

const isConfig = (path: string) => path.endsWith('.json') || path.endsWith('.txt');
