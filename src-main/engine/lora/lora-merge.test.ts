import { describe, expect, it } from 'vitest';
import { halfBitsToFloat32 } from '../../formats/float16';
import type { LoraTensor, LoraWeights } from '../engine-types';
import { openSession, type SessionSettings } from '../onnx-session';
import { groupLoraModules } from './lora-keys';
import { findWeightTargets } from './lora-targets';
import { mergeLoras } from './merge-lora';
import { FLOAT16, indexGraph } from './onnx-index';
import { buildModel, type InitializerDecl } from './test-support/graph-builder';

const settings: SessionSettings = { providers: ['cpu'], threads: 1, log: () => {} };

/** Deterministic values in [-1, 1). */
function values(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.fround(state / 2 ** 30 - 1);
  });
}

const tensor = (dims: number[], seed: number): LoraTensor => ({
  dims,
  values: values(
    dims.reduce((a, b) => a * b, 1),
    seed,
  ),
});
const lora = (tensors: Record<string, LoraTensor>, strength = 1, metadata = {}): LoraWeights => ({
  name: 'test',
  hash: 'h',
  strength,
  tensors: new Map(Object.entries(tensors)),
  metadata,
});

/** Torch's Linear weight [out, in] + s·up·down. */
function expectedWeight(w: Float32Array, up: LoraTensor, down: LoraTensor, s: number): Float32Array {
  const rank = up.dims[1];
  const inCount = down.values.length / rank;
  return w.map((value, at) => {
    const o = Math.floor(at / inCount);
    const i = at % inCount;
    let sum = 0;
    for (let r = 0; r < rank; r++) sum += up.values[o * rank + r] * down.values[r * inCount + i];
    return value + s * sum;
  });
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: w.length }, (_, at) => w[(at % rows) * cols + Math.floor(at / rows)]);
}

function initializerValues(model: Uint8Array, name: string): Float32Array {
  const info = indexGraph(model).initializers.get(name)!;
  const view = new DataView(model.buffer, model.byteOffset + info.offset!, info.byteLength);
  if (info.dataType === FLOAT16)
    return Float32Array.from({ length: info.byteLength / 2 }, (_, i) => halfBitsToFloat32(view.getUint16(i * 2, true)));
  return Float32Array.from({ length: info.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-5) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  actual.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
  expect(worst).toBeLessThan(tolerance);
}

// A Linear as torch exports it: MatMul(x, Wᵀ) under a made-up name, then Add(bias) under the module's name.
const OUT = 3;
const IN = 4;
const torchWeight = values(OUT * IN, 7);
function linearModel(): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', shape: [2, IN] }],
    outputs: [{ name: 'y', shape: [2, OUT] }],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'onnx::MatMul_12'], outputs: ['m'] },
      { op: 'Add', inputs: ['m', 'unet.mid.proj.bias'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'onnx::MatMul_12', dims: [IN, OUT], values: transpose(torchWeight, OUT, IN) },
      { name: 'unet.mid.proj.bias', dims: [OUT], values: [0.5, -0.5, 0.25] },
    ],
  });
}

describe('LoRA merge', () => {
  it('adds strength·(alpha/rank)·up·down to a transposed MatMul weight found through its named bias', async () => {
    const down = tensor([2, IN], 1);
    const up = tensor([OUT, 2], 2);
    const model = linearModel();
    const peft = lora({ 'unet.mid.proj.lora_A.weight': down, 'unet.mid.proj.lora_B.weight': up }, 0.8, {
      lora_adapter_metadata: JSON.stringify({ 'unet.lora_alpha': 4, 'unet.r': 2 }),
    });
    const result = mergeLoras(model, 'unet', [peft]);
    expect(result.warnings).toEqual([]);
    expect(result.merged.get('test')).toBe(1);
    expect(model).toEqual(linearModel()); // the original bytes are left alone
    const merged = expectedWeight(torchWeight, up, down, 0.8 * (4 / 2));
    expectClose(initializerValues(result.model, 'onnx::MatMul_12'), transpose(merged, OUT, IN));

    // And ONNX Runtime computes x·(W + ΔW)ᵀ + b with it.
    const x = values(2 * IN, 3);
    const session = await openSession('linear.onnx', settings, result.model);
    const y = (await session.run({ x: { type: 'float32', data: x, dims: [2, IN] } })).y.data as Float32Array;
    const expected = Float32Array.from({ length: 2 * OUT }, (_, at) => {
      const [b, o] = [Math.floor(at / OUT), at % OUT];
      let sum = [0.5, -0.5, 0.25][o];
      for (let i = 0; i < IN; i++) sum += x[b * IN + i] * merged[o * IN + i];
      return sum;
    });
    expectClose(y, expected);
    await session.release();
  });

  it('applies kohya names with alpha to a Gemm (transB) weight and a 3×3 conv, in float16 too', () => {
    const gemmWeight = values(OUT * IN, 11);
    const convWeight = values(2 * 3 * 3 * 3, 12);
    const model = buildModel({
      inputs: [
        { name: 'x', shape: [1, IN] },
        { name: 'image', shape: [1, 3, 4, 4] },
      ],
      outputs: [
        { name: 'y', shape: [1, OUT] },
        { name: 'z', shape: [1, 2, 4, 4] },
      ],
      nodes: [
        { op: 'Gemm', inputs: ['x', 'unet.time_embedding.linear_1.weight'], outputs: ['y'], ints: { transB: 1 } },
        {
          op: 'Conv',
          inputs: ['image', 'unet.down_blocks.0.resnets.0.conv1.weight'],
          outputs: ['z'],
          ints: { pads: [1, 1, 1, 1] },
        },
      ],
      initializers: [
        { name: 'unet.time_embedding.linear_1.weight', dims: [OUT, IN], values: gemmWeight },
        { name: 'unet.down_blocks.0.resnets.0.conv1.weight', dims: [2, 3, 3, 3], values: convWeight, type: 'float16' },
      ] satisfies InitializerDecl[],
    });
    const down = tensor([2, IN], 4);
    const up = tensor([OUT, 2], 5);
    const convDown = tensor([2, 3, 3, 3], 6);
    const convUp = tensor([2, 2, 1, 1], 8);
    const alpha = { dims: [], values: Float32Array.of(1) };
    const result = mergeLoras(model, 'unet', [
      lora(
        {
          'lora_unet_time_embedding_linear_1.lora_down.weight': down,
          'lora_unet_time_embedding_linear_1.lora_up.weight': up,
          'lora_unet_time_embedding_linear_1.alpha': alpha,
          'lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight': convDown,
          'lora_unet_down_blocks_0_resnets_0_conv1.lora_up.weight': convUp,
          'lora_unet_down_blocks_0_resnets_0_conv1.alpha': alpha,
        },
        1.5,
      ),
    ]);
    expect(result.warnings).toEqual([]);
    expectClose(
      initializerValues(result.model, 'unet.time_embedding.linear_1.weight'),
      expectedWeight(gemmWeight, up, down, 1.5 * 0.5),
    );
    const half = (v: Float32Array) =>
      initializerValues(
        buildModel({
          inputs: [],
          outputs: [],
          nodes: [],
          initializers: [{ name: 'w', dims: [v.length], values: v, type: 'float16' }],
        }),
        'w',
      );
    const expectedConv = expectedWeight(half(convWeight), convUp, convDown, 1.5 * 0.5);
    expectClose(initializerValues(result.model, 'unet.down_blocks.0.resnets.0.conv1.weight'), expectedConv, 2e-3);
  });

  it('finds bias-less attention projections around the softmax next to a named output projection', () => {
    const d = 4;
    const w = (name: string, seed: number): InitializerDecl => ({ name, dims: [d, d], values: values(d * d, seed) });
    const model = buildModel({
      inputs: [{ name: 'x', shape: [1, 2, d] }],
      outputs: [{ name: 'y', shape: [1, 2, d] }],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'onnx::MatMul_1'], outputs: ['q'] },
        { op: 'MatMul', inputs: ['x', 'onnx::MatMul_2'], outputs: ['k'] },
        { op: 'MatMul', inputs: ['x', 'onnx::MatMul_3'], outputs: ['v'] },
        { op: 'Transpose', inputs: ['k'], outputs: ['kt'], ints: { perm: [0, 2, 1] } },
        { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['scores'] },
        { op: 'Mul', inputs: ['scores', 'scale'], outputs: ['scaled'] },
        { op: 'Softmax', inputs: ['scaled'], outputs: ['probs'], ints: { axis: -1 } },
        { op: 'MatMul', inputs: ['probs', 'v'], outputs: ['attended'] },
        { op: 'MatMul', inputs: ['attended', 'onnx::MatMul_4'], outputs: ['o'] },
        { op: 'Add', inputs: ['o', 'unet.blk.attn1.to_out.0.bias'], outputs: ['y'] },
      ],
      initializers: [
        w('onnx::MatMul_1', 1),
        w('onnx::MatMul_2', 2),
        w('onnx::MatMul_3', 3),
        w('onnx::MatMul_4', 4),
        { name: 'scale', dims: [], values: [0.5] },
        { name: 'unet.blk.attn1.to_out.0.bias', dims: [d], values: [0, 0, 0, 0] },
      ],
    });
    const targets = findWeightTargets(indexGraph(model));
    expect(
      Object.fromEntries([...targets].map(([name, t]) => [name, `${t.initializer} ${t.layout} ${t.via}`])),
    ).toEqual({
      'unet.blk.attn1.to_out.0': 'onnx::MatMul_4 in-out bias',
      'unet.blk.attn1.to_q': 'onnx::MatMul_1 in-out attention',
      'unet.blk.attn1.to_k': 'onnx::MatMul_2 in-out attention',
      'unet.blk.attn1.to_v': 'onnx::MatMul_3 in-out attention',
    });
  });

  it("reads torch's scoped node names for weights without a name of their own", () => {
    const model = buildModel({
      inputs: [{ name: 'x', shape: [1, IN] }],
      outputs: [{ name: 'y', shape: [1, OUT] }],
      nodes: [
        { op: 'MatMul', name: '/down_blocks.0/attn1/to_q/MatMul', inputs: ['x', 'onnx::MatMul_9'], outputs: ['y'] },
      ],
      initializers: [{ name: 'onnx::MatMul_9', dims: [IN, OUT], values: values(IN * OUT, 1) }],
    });
    expect(findWeightTargets(indexGraph(model)).get('down_blocks.0.attn1.to_q')).toEqual({
      initializer: 'onnx::MatMul_9',
      layout: 'in-out',
      via: 'node-scope',
    });
  });

  it("maps kohya's text-encoder names onto a CLIP export's weights found through their biases", () => {
    const weight = values(OUT * IN, 21);
    const model = buildModel({
      inputs: [{ name: 'x', shape: [1, IN] }],
      outputs: [{ name: 'y', shape: [1, OUT] }],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'onnx::MatMul_301'], outputs: ['m'] },
        { op: 'Add', inputs: ['text_model.encoder.layers.0.self_attn.q_proj.bias', 'm'], outputs: ['y'] },
      ],
      initializers: [
        { name: 'onnx::MatMul_301', dims: [IN, OUT], values: transpose(weight, OUT, IN) },
        { name: 'text_model.encoder.layers.0.self_attn.q_proj.bias', dims: [OUT], values: [0, 0, 0] },
      ],
    });
    const down = tensor([2, IN], 22);
    const up = tensor([OUT, 2], 23);
    const kohya = lora({
      'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': down,
      'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_up.weight': up,
    });
    expect(mergeLoras(model, 'unet', [kohya]).merged.get('test')).toBe(0); // the text encoder's half only
    const result = mergeLoras(model, 'text_encoder', [kohya]);
    expect(result.warnings).toEqual([]);
    const merged = expectedWeight(weight, up, down, 1);
    expectClose(initializerValues(result.model, 'onnx::MatMul_301'), transpose(merged, OUT, IN));
  });

  it('names every key that changed nothing, and why', () => {
    const result = mergeLoras(linearModel(), 'unet', [
      lora({
        'unet.mid.proj.lora_A.weight': tensor([2, IN], 1),
        'unet.mid.proj.lora_B.weight': tensor([OUT, 2], 2),
        'unet.mid.missing.lora_A.weight': tensor([2, IN], 1),
        'unet.mid.missing.lora_B.weight': tensor([OUT, 2], 2),
        'unet.mid.proj_wide.lora_A.weight': tensor([2, IN + 1], 1),
        'lora_unet_mid_proj.lora_up.weight': tensor([OUT, 2], 2),
        'lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight': tensor([2, IN], 1),
        'lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight': tensor([OUT, 2], 2),
        'some.other.tensor': tensor([1], 1),
        'lora_unet_mid_conv.lora_down.weight': tensor([2, IN, 3, 3], 1),
        'lora_unet_mid_conv.lora_mid.weight': tensor([2, 2, 3, 3], 1),
        'lora_unet_mid_conv.lora_up.weight': tensor([OUT, 2, 1, 1], 1),
      }),
    ]);
    expect(result.merged.get('test')).toBe(1);
    expect(result.warnings.sort()).toEqual(
      [
        'test: lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight ignored (a second text encoder (SDXL): this studio runs SD 1.x/2.x models)',
        'test: lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight ignored (a second text encoder (SDXL): this studio runs SD 1.x/2.x models)',
        'test: lora_unet_mid_proj.lora_up.weight ignored (module mid_proj has no down weight)',
        'test: lora_unet_mid_conv.lora_down.weight ignored (module mid_conv is a Tucker-decomposed conv (lora_mid), which this studio does not merge)',
        'test: lora_unet_mid_conv.lora_mid.weight ignored (module mid_conv is a Tucker-decomposed conv (lora_mid), which this studio does not merge)',
        'test: lora_unet_mid_conv.lora_up.weight ignored (module mid_conv is a Tucker-decomposed conv (lora_mid), which this studio does not merge)',
        'test: some.other.tensor ignored (not a LoRA weight in kohya or diffusers/PEFT naming)',
        'test: unet.mid.missing.lora_A.weight, unet.mid.missing.lora_B.weight ignored (no unet weight mid.missing in this model)',
        'test: unet.mid.proj_wide.lora_A.weight ignored (module mid.proj_wide has no up weight)',
      ].sort(),
    );
  });

  it('refuses an update whose shape does not fit the weight, naming both', () => {
    const result = mergeLoras(linearModel(), 'unet', [
      lora({
        'unet.mid.proj.lora_A.weight': tensor([2, IN + 1], 1),
        'unet.mid.proj.lora_B.weight': tensor([OUT, 2], 2),
      }),
    ]);
    expect(result.warnings).toEqual([
      'test: unet.mid.proj.lora_A.weight, unet.mid.proj.lora_B.weight ignored (its 3×5 update does not fit weight onnx::MatMul_12 of shape [4,3])',
    ]);
  });

  it('refuses DoRA modules by name, kohya and PEFT alike', () => {
    const { modules, unknown } = groupLoraModules(
      new Map([
        ['unet.a.lora_A.weight', tensor([2, IN], 1)],
        ['unet.a.lora_B.weight', tensor([OUT, 2], 1)],
        ['unet.a.lora_magnitude_vector', tensor([OUT], 1)],
        ['lora_unet_b.lora_down.weight', tensor([2, IN], 1)],
        ['lora_unet_b.lora_up.weight', tensor([OUT, 2], 1)],
        ['lora_unet_b.dora_scale', tensor([1, IN], 1)],
      ]),
    );
    expect(modules).toEqual([]);
    expect(new Set(unknown.map((u) => u.reason))).toEqual(
      new Set([
        'module a is a DoRA module (magnitude vector), which this studio does not merge',
        'module b is a DoRA module (magnitude vector), which this studio does not merge',
      ]),
    );
    expect(unknown).toHaveLength(6);
  });

  it('groups the old diffusers processor naming under the projection it changes', () => {
    const { modules } = groupLoraModules(
      new Map([
        [
          'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.down.weight',
          tensor([2, IN], 1),
        ],
        [
          'unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_out_lora.up.weight',
          tensor([OUT, 2], 1),
        ],
      ]),
    );
    expect(modules.map((m) => [m.component, m.name, m.scale])).toEqual([
      ['unet', 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0', 1],
    ]);
  });
});
