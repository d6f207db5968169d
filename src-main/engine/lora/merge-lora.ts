// W ← W + strength · (alpha / rank) · up·down for every module a LoRA names (diffusers' fuse_lora), written into a copy
// of the ONNX bytes in place: the sum has the weight's length, so nothing around it moves. A MatMul weight is torch's
// Linear weight transposed ([in, out]); a conv LoRA's down is [rank, in, kh, kw] and its up [out, rank, 1, 1].
import { float32ToHalfBits, halfBitsToFloat32 } from '../../formats/float16';
import { StudioError } from '../../shared/errors';
import type { LoraWeights } from '../engine-types';
import { groupLoraModules, type LoraComponent, type LoraModule } from './lora-keys';
import { FLOAT, FLOAT16, indexGraph, type InitializerInfo } from './onnx-index';
import { findWeightTargets, type WeightTarget } from './lora-targets';

export class LoraMergeError extends StudioError {
  constructor(message: string) {
    super('invalid_input', message);
    this.name = 'LoraMergeError';
  }
}

export interface MergeResult {
  /** The merged model; the input itself when nothing in it changed. */
  model: Uint8Array;
  /** Modules merged, per LoRA name. */
  merged: Map<string, number>;
  /** Every key of these LoRAs that changed nothing, named, with why. */
  warnings: string[];
}

/** One weight update: `factor · up·down` added to initializer `target.initializer`. */
export interface MergeStep {
  target: WeightTarget;
  info: InitializerInfo;
  module: LoraModule;
  factor: number;
}

export interface MergePlan {
  steps: MergeStep[];
  merged: Map<string, number>;
  warnings: string[];
}

/** Which weights of `model` (the UNet's or the text encoder's graph) each LoRA's `component` half changes. */
export function planMerge(model: Uint8Array, component: LoraComponent, loras: readonly LoraWeights[]): MergePlan {
  const graph = indexGraph(model);
  const lookup = moduleLookup(findWeightTargets(graph));
  const steps: MergeStep[] = [];
  const merged = new Map<string, number>();
  const warnings: string[] = [];
  for (const lora of loras) {
    const { modules, unknown } = groupLoraModules(lora.tensors, lora.metadata);
    // Keys that are not this component's are reported once, by the UNet's pass.
    if (component === 'unet') for (const u of unknown) warnings.push(`${lora.name}: ${u.key} ignored (${u.reason})`);
    let count = 0;
    for (const module of modules.filter((m) => m.component === component)) {
      const target = lookup(module);
      if (!target) {
        warnings.push(
          `${lora.name}: ${module.keys.join(', ')} ignored (no ${component} weight ${module.name} in this model)`,
        );
        continue;
      }
      const info = graph.initializers.get(target.initializer)!;
      const problem = checkShapes(module, target, info);
      if (problem) {
        warnings.push(`${lora.name}: ${module.keys.join(', ')} ignored (${problem})`);
        continue;
      }
      steps.push({ target, info, module, factor: lora.strength * module.scale });
      count++;
    }
    merged.set(lora.name, count);
  }
  return { steps, merged, warnings };
}

/** Merges the `component` half of each LoRA into `model`, whose weights are inline (see merge-external.ts). */
export function mergeLoras(model: Uint8Array, component: LoraComponent, loras: readonly LoraWeights[]): MergeResult {
  const { steps, merged, warnings } = planMerge(model, component, loras);
  const inline = steps.filter((s) => !s.info.external);
  if (inline.length < steps.length) throw new LoraMergeError('this graph keeps its weights in external data');
  if (steps.length === 0) return { model, merged, warnings };
  const out = model.slice();
  for (const step of steps) addDelta(weightView(out, step.info.offset!, step.info.byteLength), step);
  return { model: out, merged, warnings };
}

export const weightView = (bytes: Uint8Array, offset: number, length: number): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset + offset, length);

/** Exact dotted names first, then a graph name that ends with the module's (`unet.` wrappers), then kohya's flat form. */
function moduleLookup(targets: Map<string, WeightTarget>): (module: LoraModule) => WeightTarget | null {
  const flat = (name: string) => name.replace(/\./g, '_');
  const byFlat = new Map<string, WeightTarget[]>();
  for (const [name, target] of targets) {
    const key = flat(name);
    byFlat.set(key, [...(byFlat.get(key) ?? []), target]);
  }
  const unique = (found: WeightTarget[]) => (found.length === 1 ? found[0] : null);
  return (module) => {
    if (!module.underscored && targets.has(module.name)) return targets.get(module.name)!;
    const wanted = flat(module.name);
    if (byFlat.has(wanted)) return unique(byFlat.get(wanted)!);
    const suffixed = [...byFlat].filter(([name]) => name.endsWith(`_${wanted}`)).flatMap(([, t]) => t);
    return unique(suffixed);
  };
}

function checkShapes(module: LoraModule, target: WeightTarget, info: InitializerInfo): string | null {
  if (!info.external && info.offset === null) return `weight ${info.name} stores its values in an unsupported field`;
  if (info.dataType !== FLOAT && info.dataType !== FLOAT16) return `weight ${info.name} is not float32/float16`;
  const outCount = module.up.dims[0];
  const inCount = module.down.values.length / module.down.dims[0];
  const size = info.dims.reduce((a, b) => a * b, 1);
  const rows = target.layout === 'in-out' ? info.dims[1] : info.dims[0];
  if (rows !== outCount || size !== outCount * inCount)
    return `its ${outCount}×${inCount} update does not fit weight ${info.name} of shape ${JSON.stringify(info.dims)}`;
  return null;
}

/**
 * Adds the step's update to the weight's little-endian float32/float16 values in `view`. Row by row, so that the inner
 * loop runs over contiguous memory: torch's [out, in(, kh, kw)] rows get Σ_r up[o, r]·down[r, :]; a MatMul's
 * transposed [in, out] rows get Σ_r down[r, i]·upᵀ[r, :].
 */
export function addDelta(view: DataView, { info, target, module, factor }: MergeStep): void {
  const rank = module.down.dims[0];
  const outCount = module.up.dims[0];
  const inCount = module.down.values.length / rank;
  const up = module.up.values;
  const down = module.down.values;
  const transposed = target.layout === 'in-out';
  const [rows, cols] = transposed ? [inCount, outCount] : [outCount, inCount];
  // b: rank × cols, contiguous per r; coefficient(row, r) scales b's row r.
  const b = transposed ? transpose(up, outCount, rank) : down;
  const coefficient = transposed
    ? (row: number, r: number) => down[r * inCount + row]
    : (row: number, r: number) => up[row * rank + r];
  const weights = readWeights(view, info.dataType === FLOAT16, rows * cols);
  for (let row = 0; row < rows; row++) {
    const acc = weights.subarray(row * cols, (row + 1) * cols);
    for (let r = 0; r < rank; r++) {
      const c = factor * coefficient(row, r);
      if (c === 0) continue;
      const bRow = b.subarray(r * cols, (r + 1) * cols);
      for (let j = 0; j < cols; j++) acc[j] += c * bRow[j];
    }
  }
  writeWeights(view, info.dataType === FLOAT16, weights);
}

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j];
  return out;
}

/** The weight as an aligned float32 copy (raw_data offsets need not be 4-byte aligned). */
function readWeights(view: DataView, half: boolean, count: number): Float32Array {
  const out = new Float32Array(count);
  if (half) for (let i = 0; i < count; i++) out[i] = halfBitsToFloat32(view.getUint16(i * 2, true));
  else new Uint8Array(out.buffer).set(new Uint8Array(view.buffer, view.byteOffset, count * 4));
  return out;
}

function writeWeights(view: DataView, half: boolean, values: Float32Array): void {
  if (half) for (let i = 0; i < values.length; i++) view.setUint16(i * 2, float32ToHalfBits(values[i]), true);
  else new Uint8Array(view.buffer, view.byteOffset, values.length * 4).set(new Uint8Array(values.buffer));
}
