// Test support: deterministic inputs for the fixture models' graphs, and a direct ONNX Runtime CPU run, for tests
// that compare two versions of one graph (re-encoded, optimised) output for output.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { float32ToHalf, halfToFloat32 } from '../../formats/float16';
import { decodeModel, DataType } from '../../formats/onnx';

export type Component = 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder';

/** A fixed pseudo-random sequence in [-1, 1) (a linear congruential generator: same numbers on every machine). */
export function noise(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

function floatTensor(values: Float32Array, dims: number[], elemType: number): Tensor {
  return elemType === DataType.FLOAT16
    ? new Tensor('float16', float32ToHalf(values), dims)
    : new Tensor('float32', values, dims);
}

/** Inputs for one call of `component`, typed as the graph declares them; `size` is the image side in pixels. */
export function fixtureFeeds(model: Uint8Array, component: Component, batch = 2, size = 64): Record<string, Tensor> {
  const inputs = decodeModel(model).graph.inputs;
  const type = (name: string) => inputs.find((i) => i.name === name)?.type?.tensor;
  const latent = size / 8;
  switch (component) {
    case 'unet': {
      const timestep = type('timestep');
      const steps = timestep?.shape?.[0]?.value === 1 ? 1 : batch;
      return {
        sample: floatTensor(
          noise(batch * 4 * latent * latent, 1),
          [batch, 4, latent, latent],
          type('sample')!.elemType!,
        ),
        timestep:
          timestep?.elemType === DataType.INT64
            ? new Tensor(
                'int64',
                BigInt64Array.from({ length: steps }, () => 501n),
                [steps],
              )
            : floatTensor(new Float32Array(steps).fill(501), [steps], timestep!.elemType!),
        encoder_hidden_states: floatTensor(
          noise(batch * 77 * 32, 2),
          [batch, 77, 32],
          type('encoder_hidden_states')!.elemType!,
        ),
      };
    }
    case 'text_encoder': {
      const ids = Int32Array.from({ length: batch * 77 }, (_, i) => (i % 77 === 0 ? 539 : (i * 37) % 541));
      return { input_ids: new Tensor('int32', ids, [batch, 77]) };
    }
    case 'vae_decoder':
      return {
        latent_sample: floatTensor(
          noise(batch * 4 * latent * latent, 3),
          [batch, 4, latent, latent],
          type('latent_sample')!.elemType!,
        ),
      };
    case 'vae_encoder':
      return {
        sample: floatTensor(noise(batch * 3 * size * size, 4), [batch, 3, size, size], type('sample')!.elemType!),
      };
  }
}

/** Every output of one CPU run, as float32 (float16 outputs widened). */
export async function runOnCpu(
  model: Uint8Array | string,
  feeds: Record<string, Tensor>,
  options: InferenceSession.SessionOptions = {},
): Promise<Record<string, Float32Array>> {
  const session =
    typeof model === 'string'
      ? await InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, ...options })
      : await InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, ...options });
  try {
    const results = await session.run(feeds);
    const out: Record<string, Float32Array> = {};
    for (const [name, tensor] of Object.entries(results)) {
      const data = tensor.data as ArrayBufferView & { length: number };
      out[name] =
        tensor.type === 'float16'
          ? halfToFloat32(new Uint16Array(data.buffer, data.byteOffset, data.length))
          : Float32Array.from(data as Float32Array);
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Largest |a − b| over max |a| (the relative error the optimiser's tolerances are stated in). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
