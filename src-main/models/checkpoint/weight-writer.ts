// Writes one component's weights as ONNX external data: each tensor read from the checkpoint, transformed, checked
// and appended to `weights.pb` in turn, so memory holds one tensor at a time; the initializers that point into the
// file are what the graph builders reference by diffusers name.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { DataType, type OnnxTensor } from '../../formats/onnx';
import { float32ToHalf } from '../../formats/float16';
import type { CheckpointReader } from './checkpoint-reader';
import { applyTransform, type ConversionPlan } from './conversion-plan';
import type { Component } from './ldm-names';

export const WEIGHTS_FILE = 'weights.pb';
const ALIGN = 64;

export type Precision = 'fp32' | 'fp16';

export async function writeWeights(
  reader: CheckpointReader,
  plan: ConversionPlan['components'][Component],
  folder: string,
  precision: Precision,
  onTensor: (bytes: number) => void,
): Promise<Map<string, OnnxTensor>> {
  const file = await open(path.join(folder, WEIGHTS_FILE), 'w');
  const initializers = new Map<string, OnnxTensor>();
  let offset = 0;
  try {
    for (const p of plan) {
      const source = reader.tensors.get(p.source)!;
      const values = applyTransform(await reader.read(p.source), source.dims, p.transform);
      const data = precision === 'fp16' ? halfBytes(values, p.target) : new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      offset = Math.ceil(offset / ALIGN) * ALIGN;
      await file.write(data, 0, data.length, offset);
      initializers.set(p.target, {
        name: p.target,
        dataType: precision === 'fp16' ? DataType.FLOAT16 : DataType.FLOAT,
        dims: p.dims,
        externalData: [
          { key: 'location', value: WEIGHTS_FILE },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(data.length) },
        ],
        dataLocation: 1,
        unknownFields: [],
      });
      offset += data.length;
      onTensor(data.length);
    }
  } finally {
    await file.close();
  }
  return initializers;
}

/** float16 bits; a weight past float16's range would turn into Inf, so it is refused instead. */
function halfBytes(values: Float32Array, name: string): Uint8Array {
  for (const v of values)
    if (Math.abs(v) > 65504) throw new Error(`${name}: value ${v} does not fit float16; import it as fp32`);
  const half = float32ToHalf(values);
  return new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
}
