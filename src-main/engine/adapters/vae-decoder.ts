// VAE decoder graph: scaled-back latents [n, C, h, w] → images in [-1, 1], [n, 3, h·f, w·f].
import { openSession, type GraphSession, type SessionSettings } from '../onnx-session';
import { float32Of, floatTensor, type FloatType } from '../tensor-convert';
import { checkInputs, floatTypes, pickOutput } from './graph-contract';

export interface VaeDecoder {
  readonly session: GraphSession;
  decode(latents: Float32Array, dims: readonly number[]): Promise<{ data: Float32Array; dims: number[] }>;
}

export async function openVaeDecoder(file: string, settings: SessionSettings): Promise<VaeDecoder> {
  const session = await openSession(file, settings);
  const inputs = checkInputs(session, { latent_sample: { types: floatTypes } });
  const type = inputs.latent_sample.type as FloatType;
  const output = pickOutput(session, ['sample']);
  return {
    session,
    async decode(latents, dims) {
      const result = (await session.run({ latent_sample: floatTensor(latents, dims, type) }))[output];
      return { data: float32Of(result, file), dims: [...result.dims] };
    },
  };
}
