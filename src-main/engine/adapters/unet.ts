// UNet graph: (noisy latents, timestep, text embeddings) → the model's prediction (ε, v or x₀, per the scheduler config).
import { openSession, type GraphSession, type PlainTensor, type SessionSettings } from '../onnx-session';
import { float32ToHalfBits } from '../../formats/float16';
import { float32Of, floatTensor, type FloatType } from '../tensor-convert';
import { checkInputs, floatTypes, pickOutput } from './graph-contract';

export interface UNet {
  readonly session: GraphSession;
  /** Width of `timestep_cond` when the UNet is guidance-distilled (LCM); null otherwise. */
  readonly timestepCondSize: number | null;
  /** Latent [height, width] when the export fixed them (the model then makes only that image size); else null. */
  readonly fixedLatentSize: [number, number] | null;
  /** Token positions of `encoder_hidden_states` when the export fixed them (then no 77·n long prompts); else null. */
  readonly fixedSequenceLength: number | null;
  /** Channels of `sample` when the export fixed them (9 for an inpainting UNet); null when the axis is dynamic. */
  readonly inChannels: number | null;
  predict(input: {
    sample: Float32Array;
    dims: readonly number[];
    timestep: number;
    context: Float32Array;
    contextDims: readonly number[];
    timestepCond?: Float32Array;
  }): Promise<Float32Array>;
}

export async function openUNet(file: string, settings: SessionSettings, bytes?: Uint8Array): Promise<UNet> {
  const session = await openSession(file, settings, bytes);
  const inputs = checkInputs(session, {
    sample: { types: floatTypes },
    timestep: { types: ['float32', 'float16', 'int64', 'int32'] },
    encoder_hidden_states: { types: floatTypes },
    timestep_cond: { types: floatTypes, optional: true },
  });
  const output = pickOutput(session, ['out_sample']);
  const float = (name: string) => inputs[name].type as FloatType;
  const t = inputs.timestep;
  // Exporters declare the timestep as [batch] (diffusers), [1] or a scalar; a fixed 1 or rank 0 gets one value.
  const timestepDims = (batch: number) => (t.shape.length === 0 ? [] : t.shape[0] === 1 ? [1] : [batch]);
  const condShape = inputs.timestep_cond?.shape;
  const timestepCondSize = condShape && typeof condShape[1] === 'number' ? condShape[1] : condShape ? 256 : null;
  const [, channels, h, w] = inputs.sample.shape;
  const fixedLatentSize: [number, number] | null = typeof h === 'number' && typeof w === 'number' ? [h, w] : null;
  const sequence = inputs.encoder_hidden_states.shape[1];
  const fixedSequenceLength = typeof sequence === 'number' ? sequence : null;

  function timestepTensor(value: number, batch: number): PlainTensor {
    const dims = timestepDims(batch);
    const count = dims.length === 0 ? 1 : dims[0];
    if (t.type === 'int64')
      return { type: 'int64', data: new BigInt64Array(count).fill(BigInt(Math.trunc(value))), dims };
    if (t.type === 'int32') return { type: 'int32', data: new Int32Array(count).fill(Math.trunc(value)), dims };
    if (t.type === 'float16')
      return { type: 'float16', data: new Uint16Array(count).fill(float32ToHalfBits(value)), dims };
    return { type: 'float32', data: new Float32Array(count).fill(value), dims };
  }

  return {
    session,
    timestepCondSize,
    fixedLatentSize,
    fixedSequenceLength,
    inChannels: typeof channels === 'number' ? channels : null,
    async predict({ sample, dims, timestep, context, contextDims, timestepCond }) {
      const feeds: Record<string, PlainTensor> = {
        sample: floatTensor(sample, dims, float('sample')),
        timestep: timestepTensor(timestep, dims[0]),
        encoder_hidden_states: floatTensor(context, contextDims, float('encoder_hidden_states')),
      };
      if (inputs.timestep_cond) {
        const cond = timestepCond ?? new Float32Array(dims[0] * (timestepCondSize ?? 0));
        feeds.timestep_cond = floatTensor(cond, [dims[0], cond.length / dims[0]], float('timestep_cond'));
      }
      // The context is the same array at every step: a GPU provider may keep it in device memory (onnx-session.ts).
      return float32Of((await session.run(feeds, { unchanged: { encoder_hidden_states: context } }))[output], file);
    },
  };
}
