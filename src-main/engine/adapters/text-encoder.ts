// CLIP text encoder graph: 77 token ids → per-token hidden states (diffusers' `prompt_embeds`).
import { openSession, type GraphSession, type SessionSettings } from '../onnx-session';
import { float32Of } from '../tensor-convert';
import { checkInputs, pickOutput } from './graph-contract';

export interface TextEncoder {
  readonly session: GraphSession;
  /** One prompt's ids (length 77) → float32 [1, 77, hidden]. */
  encode(ids: Int32Array): Promise<{ data: Float32Array; dims: number[] }>;
}

export async function openTextEncoder(
  file: string,
  settings: SessionSettings,
  bytes?: Uint8Array,
): Promise<TextEncoder> {
  const session = await openSession(file, settings, bytes);
  const inputs = checkInputs(session, { input_ids: { types: ['int32', 'int64'] } });
  const output = pickOutput(session, ['last_hidden_state']);
  const idType = inputs.input_ids.type;
  return {
    session,
    async encode(ids) {
      const dims = [1, ids.length];
      const feed =
        idType === 'int64'
          ? { type: 'int64' as const, data: BigInt64Array.from(ids, (id) => BigInt(id)), dims }
          : { type: 'int32' as const, data: Int32Array.from(ids), dims };
      const result = (await session.run({ input_ids: feed }))[output];
      return { data: float32Of(result, file), dims: [...result.dims] };
    },
  };
}
