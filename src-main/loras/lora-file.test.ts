import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { readLoraFile } from './lora-file';
import { triggerWordsOf } from './lora-metadata';

const fixtures = path.join(appRoot(), 'src-main', 'engine', 'lora', 'fixtures');

/** A safetensors file from float32 tensors (and a header to break on purpose). */
function safetensors(
  tensors: Record<string, number[][] | number[]>,
  metadata: Record<string, string> = {},
  edit: (header: Record<string, unknown>) => void = () => {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(tensors)) {
    const rows = Array.isArray(value[0]) ? (value as number[][]) : null;
    const flat = Float32Array.from(rows ? rows.flat() : (value as number[]));
    const shape = rows ? [rows.length, rows[0].length] : [flat.length];
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + flat.byteLength] };
    chunks.push(flat);
    offset += flat.byteLength;
  }
  edit(header);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  let at = 8 + text.length;
  for (const c of chunks) {
    out.set(new Uint8Array(c.buffer), at);
    at += c.byteLength;
  }
  return out;
}

const pair = {
  'lora_unet_mid_block_attentions_0_proj_in.lora_down.weight': [
    [1, 0],
    [0, 1],
  ],
  'lora_unet_mid_block_attentions_0_proj_in.lora_up.weight': [
    [1, 0],
    [0, 1],
  ],
};

describe('LoRA files', () => {
  it('reads both fixture namings and dtypes (float16 kohya, bfloat16 PEFT)', () => {
    const kohya = readLoraFile(
      new Uint8Array(readFileSync(path.join(fixtures, 'tiny-kohya.safetensors'))),
      'tiny-kohya.safetensors',
    );
    expect(kohya.summary).toEqual({
      naming: 'kohya',
      unetModules: 46,
      textEncoderModules: 0,
      rank: 4,
      baseModel: 'sd1',
      triggerWords: ['red circle', 'tiny'],
    });
    expect(kohya.tensors.get('lora_unet_down_blocks_0_resnets_0_conv1.lora_down.weight')?.dims).toEqual([4, 8, 3, 3]);
    const peft = readLoraFile(
      new Uint8Array(readFileSync(path.join(fixtures, 'tiny-peft.safetensors'))),
      'tiny-peft.safetensors',
    );
    expect(peft.summary).toMatchObject({ naming: 'peft', unetModules: 23, textEncoderModules: 12 });
    expect(typeof peft.metadata.lora_adapter_metadata).toBe('string');
  });

  it('refuses malformed files, naming the file', () => {
    const good = safetensors(pair);
    expect(() => readLoraFile(good.subarray(0, good.length - 3), 'cut.safetensors')).toThrow(
      /^cut\.safetensors: safetensors tensor ".*": tensor data runs past the file's end/,
    );
    expect(() => readLoraFile(Uint8Array.of(1, 2, 3), 'tiny.safetensors')).toThrow(
      /^tiny\.safetensors: safetensors: the file is shorter/,
    );
    const overlapping = safetensors(pair, {}, (h) => {
      (h['lora_unet_mid_block_attentions_0_proj_in.lora_up.weight'] as { data_offsets: number[] }).data_offsets = [
        0, 16,
      ];
    });
    expect(() => readLoraFile(overlapping, 'overlap.safetensors')).toThrow(/^overlap\.safetensors: .*overlaps/);
    const nan = safetensors({ ...pair, 'lora_unet_x.alpha': [Number.NaN] });
    expect(() => readLoraFile(nan, 'nan.safetensors')).toThrow(/^nan\.safetensors: .*NaN/);
    expect(() => readLoraFile(good, 'model.pt')).toThrow(/^model\.pt: LoRAs are read from \.safetensors files only/);
  });

  it('refuses a file with no LoRA in it, and an SDXL LoRA', () => {
    expect(() => readLoraFile(safetensors({ 'token_embedding.weight': [[1, 2]] }), 'embedding.safetensors')).toThrow(
      /^embedding\.safetensors: not a LoRA file: none of its 1 tensors is a LoRA weight/,
    );
    const sdxl = safetensors({
      ...pair,
      'lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight': [[1]],
      'lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight': [[1]],
    });
    expect(() => readLoraFile(sdxl, 'xl.safetensors')).toThrow(/^xl\.safetensors: a LoRA for SDXL/);
    expect(() =>
      readLoraFile(safetensors(pair, { ss_base_model_version: 'sdxl_base_v1-0' }), 'xl2.safetensors'),
    ).toThrow(/SDXL/);
  });

  it('finds trigger words in the metadata: named ones first, then the most frequent caption tags', () => {
    expect(
      triggerWordsOf({
        ss_trigger_words: 'zorb, Zorb style',
        ss_tag_frequency: JSON.stringify({ '5_a': { ' cat': 3, dog: 9 }, '2_b': { cat: 10, 'zorb style': 1 } }),
      }),
    ).toEqual(['zorb', 'Zorb style', 'cat', 'dog']);
    expect(triggerWordsOf({ 'modelspec.trigger_phrase': '["alpha", "beta"]', ss_tag_frequency: 'not json' })).toEqual([
      'alpha',
      'beta',
    ]);
  });
});
