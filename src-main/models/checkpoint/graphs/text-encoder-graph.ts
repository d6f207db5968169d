// transformers' CLIPTextModel (models/clip/modeling_clip.py: token + position embeddings, pre-LN causal transformer,
// final layer norm) as an ONNX graph: input_ids int32 [B, S] → last_hidden_state [B, S, D], as diffusers' ONNX
// export names them. SD 2.x's OpenCLIP encoder is the same graph with erf GELU and one layer fewer (its config).
import type { OnnxModel, OnnxTensor } from '../../../formats/onnx';
import { DataType } from '../../../formats/onnx';
import type { TextEncoderConfig } from '../architecture-config';
import { FLOAT, GraphBuilder, valueInfo } from './graph-builder';
import { gelu } from './unet-graph';

/** transformers fills the causal mask with the dtype's most negative value. */
const MASKED = -3.4028234663852886e38;

export function buildTextEncoderGraph(config: TextEncoderConfig, weights: Map<string, OnnxTensor>): OnnxModel {
  const g = new GraphBuilder(weights);
  const d = config.hidden_size;
  const heads = config.num_attention_heads;
  const headDim = d / heads;
  const positions = config.max_position_embeddings;

  const length = g.one('Slice', [g.one('Shape', ['input_ids']), g.ints([1]), g.ints([2])]);
  const tokens = g.one('Gather', [g.weight('text_model.embeddings.token_embedding.weight'), 'input_ids'], { axis: 0 });
  const position = g.one('Slice', [
    g.weight('text_model.embeddings.position_embedding.weight'),
    g.ints([0]),
    length,
    g.ints([0]),
  ]);
  let h = g.one('Add', [tokens, position]);

  const causal = new Float32Array(positions * positions);
  for (let i = 0; i < positions; i++) for (let j = i + 1; j < positions; j++) causal[i * positions + j] = MASKED;
  const mask = g.one('Slice', [g.floats(causal, [positions, positions]), g.ints([0, 0]), g.one('Concat', [length, length], { axis: 0 }), g.ints([0, 1])]);

  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `text_model.encoder.layers.${i}`;
    const x = g.layerNorm(h, `${layer}.layer_norm1`, config.layer_norm_eps);
    const q = g.linear(x, `${layer}.self_attn.q_proj`);
    const k = g.linear(x, `${layer}.self_attn.k_proj`);
    const v = g.linear(x, `${layer}.self_attn.v_proj`);
    const attended = g.attention(q, k, v, heads, headDim, 1 / Math.sqrt(headDim), mask);
    h = g.one('Add', [h, g.linear(attended, `${layer}.self_attn.out_proj`)]);
    const y = g.linear(g.layerNorm(h, `${layer}.layer_norm2`, config.layer_norm_eps), `${layer}.mlp.fc1`);
    const activated =
      config.hidden_act === 'quick_gelu' ? g.one('Mul', [y, g.one('Sigmoid', [g.one('Mul', [y, g.scalar(1.702)])])]) : gelu(g, y);
    h = g.one('Add', [h, g.linear(activated, `${layer}.mlp.fc2`)]);
  }
  g.output(g.layerNorm(h, 'text_model.final_layer_norm', config.layer_norm_eps), 'last_hidden_state');
  return g.model(
    'text_encoder',
    [valueInfo('input_ids', DataType.INT32, ['batch', 'sequence'])],
    [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', d])],
  );
}
