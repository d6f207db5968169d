import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint, type CheckpointReader, type CheckpointTensor } from './checkpoint-reader';
import { applyTransform, planConversion } from './conversion-plan';
import { detectArchitecture } from './detect-architecture';

const fixtures = path.join(import.meta.dirname, 'fixtures');
// diffusers' own conversion of the same checkpoint (tools/reference/make_checkpoint_fixture.py).
const expected = JSON.parse(readFileSync(path.join(fixtures, 'tiny-ldm-expected.json'), 'utf8')) as Record<
  string,
  Record<string, { shape: number[]; sha256: string }>
>;
let reader: CheckpointReader;

beforeAll(async () => {
  reader = await openCheckpoint(path.join(fixtures, 'tiny-ldm.safetensors'));
});
afterAll(() => reader.close());

describe('detectArchitecture + planConversion on the tiny LDM checkpoint', () => {
  it('infers the fixture architecture from names and shapes', () => {
    const { family, inpainting, config } = detectArchitecture(reader.tensors, 'tiny');
    expect({ family, inpainting, predictionType: config.predictionType }).toEqual({
      family: 'sd1',
      inpainting: false,
      predictionType: 'epsilon',
    });
    expect(config.unet).toMatchObject({
      in_channels: 4,
      out_channels: 4,
      block_out_channels: [8, 16],
      down_block_types: ['CrossAttnDownBlock2D', 'DownBlock2D'],
      up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D'],
      layers_per_block: 1,
      cross_attention_dim: 32,
      use_linear_projection: false,
      transformer_layers_per_block: 1,
    });
    expect(config.vae).toMatchObject({ block_out_channels: [8, 8, 8, 8], layers_per_block: 1, latent_channels: 4 });
    expect(config.textEncoder).toMatchObject({
      hidden_size: 32,
      intermediate_size: 64,
      num_hidden_layers: 2,
      vocab_size: 541,
      max_position_embeddings: 77,
    });
  });

  it('maps every tensor to the diffusers parameter diffusers makes of it, bit for bit', async () => {
    const detected = detectArchitecture(reader.tensors, 'tiny');
    const plan = planConversion(reader.tensors, detected.config, detected.vaePrefix, 'tiny');
    expect(plan.ignored).toEqual(['cond_stage_model.transformer.text_model.embeddings.position_ids']);
    for (const component of ['unet', 'vae', 'text_encoder'] as const) {
      const want = expected[component];
      expect(plan.components[component].map((p) => p.target).sort()).toEqual(Object.keys(want).sort());
      for (const p of plan.components[component]) {
        const source = reader.tensors.get(p.source)!;
        const values = applyTransform(await reader.read(p.source), source.dims, p.transform);
        expect(p.dims, p.target).toEqual(want[p.target].shape);
        const digest = createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        expect(digest.digest('hex'), `${component} ${p.target}`).toBe(want[p.target].sha256);
      }
    }
  });
});

describe('clear refusals', () => {
  const base = () => new Map(readerTensors());
  const readerTensors = () => [...reader.tensors.entries()];
  const add = (tensors: Map<string, CheckpointTensor>, name: string, dims: number[]) =>
    tensors.set(name, { name, dims, dtype: 'f16' });

  it('names the missing tensors of a partial checkpoint', () => {
    const tensors = base();
    tensors.delete('model.diffusion_model.middle_block.0.in_layers.2.weight');
    tensors.delete('first_stage_model.decoder.up.0.block.1.conv2.bias');
    const detected = detectArchitecture(tensors, 'part.safetensors');
    expect(() => planConversion(tensors, detected.config, detected.vaePrefix, 'part.safetensors')).toThrow(
      /part\.safetensors: a partial checkpoint .*2 tensors missing: unet: mid_block\.resnets\.0\.conv1\.weight, vae: decoder\.up_blocks\.3\.resnets\.1\.conv2\.bias/,
    );
  });

  it('names a whole missing component', () => {
    const tensors = new Map(readerTensors().filter(([n]) => !n.startsWith('first_stage_model.')));
    expect(() => detectArchitecture(tensors, 'unet-only.safetensors')).toThrow(
      /unet-only\.safetensors: a partial checkpoint: it has no tensors of the VAE \(first_stage_model\.\*\)/,
    );
  });

  it('names a tensor whose shape does not fit', () => {
    const tensors = base();
    add(tensors, 'model.diffusion_model.out.2.bias', [5]);
    const detected = detectArchitecture(tensors, 'odd');
    expect(() => planConversion(tensors, detected.config, detected.vaePrefix, 'odd')).toThrow(
      /model\.diffusion_model\.out\.2\.bias is 5, unet conv_out\.bias needs 4/,
    );
  });

  it('refuses SDXL, LoRA, ControlNet and diffusers-component files by what they are', () => {
    const sdxl = base();
    add(sdxl, 'conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias', [1280]);
    expect(() => detectArchitecture(sdxl, 'xl.safetensors')).toThrow(/an SDXL checkpoint/);
    const lora = new Map<string, CheckpointTensor>();
    add(lora, 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [4, 320]);
    expect(() => detectArchitecture(lora, 'l.safetensors')).toThrow(/a LoRA, not a full checkpoint/);
    const control = base();
    add(control, 'control_model.time_embed.0.weight', [1280, 320]);
    expect(() => detectArchitecture(control, 'c')).toThrow(/a ControlNet/);
    const component = new Map<string, CheckpointTensor>();
    add(component, 'down_blocks.0.resnets.0.conv1.weight', [320, 320, 3, 3]);
    expect(() => detectArchitecture(component, 'u')).toThrow(/a single diffusers component/);
  });

  it('plans a text encoder saved without the text_model level the same way', () => {
    const renamed = new Map(
      readerTensors().map(([n, t]) => {
        const name = n.replace('cond_stage_model.transformer.text_model.', 'cond_stage_model.transformer.');
        return [name, { ...t, name }] as const;
      }),
    );
    const detected = detectArchitecture(renamed, 'flat');
    const plan = planConversion(renamed, detected.config, detected.vaePrefix, 'flat');
    expect(plan.components.text_encoder.map((p) => p.target).sort()).toEqual(Object.keys(expected.text_encoder).sort());
  });

  it('detects the 9-channel inpainting UNet and SD 2.x from shapes', () => {
    const inpaint = base();
    add(inpaint, 'model.diffusion_model.input_blocks.0.0.weight', [8, 9, 3, 3]);
    const detected = detectArchitecture(inpaint, 'inpaint');
    expect(detected.inpainting).toBe(true);
    expect(detected.config.unet.in_channels).toBe(9);
    const v2 = base();
    add(v2, 'model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight', [16, 1024]);
    expect(detectArchitecture(v2, 'v2').config).toMatchObject({ family: 'sd2', predictionType: 'v_prediction' });
  });
});
