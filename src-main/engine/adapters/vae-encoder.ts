// VAE encoder graph: image in [-1, 1] → latents, either sampled already (`latent_sample`, diffusers' exporter) or as
// the diagonal Gaussian's parameters (`latent_parameters` = mean ‖ log-variance, optimum's exporter).
import { openSession, type GraphSession, type SessionSettings } from '../onnx-session';
import { float32Of, floatTensor, type FloatType } from '../tensor-convert';
import { checkInputs, floatTypes } from './graph-contract';
import { ModelFolderError } from '../engine-errors';

export type EncoderOutput =
  { kind: 'sample'; data: Float32Array; dims: number[] } | { kind: 'parameters'; data: Float32Array; dims: number[] };

export interface VaeEncoder {
  readonly session: GraphSession;
  encode(image: Float32Array, dims: readonly number[]): Promise<EncoderOutput>;
}

export async function openVaeEncoder(file: string, settings: SessionSettings): Promise<VaeEncoder> {
  const session = await openSession(file, settings);
  const inputs = checkInputs(session, { sample: { types: floatTypes } });
  const type = inputs.sample.type as FloatType;
  const names = session.outputs.map((o) => o.name);
  const kind = names.includes('latent_sample') ? 'sample' : names.includes('latent_parameters') ? 'parameters' : null;
  if (kind === null)
    throw new ModelFolderError(
      file,
      `expected an output latent_sample or latent_parameters, found ${names.join(', ')}`,
    );
  const output = kind === 'sample' ? 'latent_sample' : 'latent_parameters';
  return {
    session,
    async encode(image, dims) {
      const result = (await session.run({ sample: floatTensor(image, dims, type) }))[output];
      return { kind, data: float32Of(result, file), dims: [...result.dims] };
    },
  };
}
