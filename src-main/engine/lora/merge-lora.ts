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

/** Adds the step's update to the weight's little-endian float32/float16 values in `view`. */
export function addDelta(view: DataView, { info, target, module, factor }: MergeStep): void {
  const rank = module.down.dims[0];
  const outCount = module.up.dims[0];
  const inCount = module.down.values.length / rank;
  const up = module.up.values;
  const down = module.down.values;
  const half = info.dataType === FLOAT16;
  for (let o = 0; o < outCount; o++) {
    for (let i = 0; i < inCount; i++) {
      let sum = 0;
      for (let r = 0; r < rank; r++) sum += up[o * rank + r] * down[r * inCount + i];
      // Torch's [out, in(, kh, kw)] order, or a MatMul's transposed [in, out].
      const at = target.layout === 'in-out' ? i * outCount + o : o * inCount + i;
      if (half) {
        const value = halfBitsToFloat32(view.getUint16(at * 2, true)) + factor * sum;
        view.setUint16(at * 2, float32ToHalfBits(value), true);
      } else view.setFloat32(at * 4, view.getFloat32(at * 4, true) + factor * sum, true);
    }
  }
}
