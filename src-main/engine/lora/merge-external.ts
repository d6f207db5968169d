// LoRAs on a graph whose weights live in external data (every fp32 SD UNet: protobuf stops at 2 GiB). ONNX Runtime
// reads external files only beside a model file, so the merged graph is written to its own folder: the changed
// weights updated, every weight copied into one external file there, then opened from that path.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeModel, loadTensorBytes, writeModelFile, type OnnxTensor } from '../../formats/onnx';
import type { LoraWeights } from '../engine-types';
import type { LoraComponent } from './lora-keys';
import { addDelta, planMerge, type MergePlan } from './merge-lora';

export interface ExternalMerge extends Omit<MergePlan, 'steps'> {
  /** The merged model's path, or null when the LoRAs changed nothing in this graph. */
  path: string | null;
}

export async function mergeLorasToFolder(
  file: string,
  component: LoraComponent,
  loras: readonly LoraWeights[],
  outDir: string,
): Promise<ExternalMerge> {
  const bytes = new Uint8Array(await readFile(file));
  const { steps, merged, warnings } = planMerge(bytes, component, loras);
  if (steps.length === 0) return { path: null, merged, warnings };
  const model = decodeModel(bytes);
  const sourceDir = dirname(file);
  const updated = new Map<string, Uint8Array>();
  for (const step of steps) {
    const name = step.info.name;
    const tensor = model.graph.initializers.find((t) => t.name === name)!;
    const values = updated.get(name) ?? (await loadTensorBytes(tensor, sourceDir)).slice();
    addDelta(new DataView(values.buffer, values.byteOffset, values.byteLength), step);
    updated.set(name, values);
  }
  const initializers = model.graph.initializers.map((t): OnnxTensor => {
    const values = t.name === undefined ? undefined : updated.get(t.name);
    if (!values) return t;
    const { externalData: _external, dataLocation: _location, floatData: _floats, ...rest } = t;
    return { ...rest, rawData: values };
  });
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'model.onnx');
  await writeModelFile(
    path,
    { ...model, graph: { ...model.graph, initializers } },
    {
      sourceDir,
      externalData: { location: 'weights.pb', threshold: 1024 },
    },
  );
  return { path, merged, warnings };
}

/** Whether any initializer of the model keeps its values in an external file. */
export function hasExternalData(bytes: Uint8Array): boolean {
  return decodeModel(bytes).graph.initializers.some((t) => t.dataLocation === 1);
}
