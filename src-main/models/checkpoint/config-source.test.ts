import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configProblem, type PipelineConfig } from './architecture-config';
import { openCheckpoint } from './checkpoint-reader';
import { applyConfig } from './config-source';
import { detectArchitecture } from './detect-architecture';
import { parseYaml } from './yaml-subset';

// The opening of CompVis' configs/stable-diffusion/v1-inference.yaml and Stability's v2-inference-v.yaml (the
// parts the importer reads; comments, quoting and a block sequence as those files have them).
const V1_YAML = `model:
  base_learning_rate: 1.0e-04
  target: ldm.models.diffusion.ddpm.LatentDiffusion
  params:
    linear_start: 0.00085
    cond_stage_key: "txt"
    scale_factor: 0.18215
    use_ema: False # we set this to false because this is an inference only config
    scheduler_config: # 10000 warmup steps
      target: ldm.lr_scheduler.LambdaLinearScheduler
      params:
        warm_up_steps: [ 10000 ]
        f_start: [ 1.e-6 ]
    unet_config:
      target: ldm.modules.diffusionmodules.openaimodel.UNetModel
      params:
        image_size: 32 # unused
        in_channels: 4
        out_channels: 4
        model_channels: 320
        attention_resolutions: [ 4, 2, 1 ]
        num_res_blocks: 2
        channel_mult: [ 1, 2, 4, 4 ]
        num_heads: 8
        use_spatial_transformer: True
        transformer_depth: 1
        context_dim: 768
    first_stage_config:
      target: ldm.models.autoencoder.AutoencoderKL
      params:
        embed_dim: 4
        ddconfig:
          double_z: true
          z_channels: 4
          resolution: 256
          in_channels: 3
          out_ch: 3
          ch: 128
          ch_mult:
          - 1
          - 2
          - 4
          - 4
          num_res_blocks: 2
          attn_resolutions: []
`;
const V2_YAML = V1_YAML.replace('    linear_start: 0.00085', '    parameterization: "v"\n    linear_start: 0.00085')
  .replace('        num_heads: 8\n', '        num_head_channels: 64\n        use_linear_in_transformer: True\n')
  .replace('context_dim: 768', 'context_dim: 1024');

let temp: string;
let inferred: PipelineConfig;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'config-source-'));
  const reader = await openCheckpoint(path.join(import.meta.dirname, 'fixtures', 'tiny-ldm.safetensors'));
  inferred = detectArchitecture(reader.tensors, 'tiny').config;
  await reader.close();
});
afterAll(() => rm(temp, { recursive: true, force: true }));

describe('parseYaml', () => {
  it('reads the subset LDM configs use', () => {
    expect(parseYaml(V1_YAML)).toMatchObject({
      model: {
        base_learning_rate: 1e-4,
        params: {
          cond_stage_key: 'txt',
          use_ema: false,
          scheduler_config: { params: { warm_up_steps: [10000], f_start: [1e-6] } },
          unet_config: { params: { attention_resolutions: [4, 2, 1], channel_mult: [1, 2, 4, 4] } },
          first_stage_config: { params: { ddconfig: { ch_mult: [1, 2, 4, 4], attn_resolutions: [] } } },
        },
      },
    });
  });

  it('refuses what it does not read, by line', () => {
    expect(() => parseYaml('a: 1\nb: &anchor 2\n')).toThrow(/line 2: YAML feature not supported/);
    expect(() => parseYaml('a:\n  b: 1\n   c: 2\n')).toThrow(/line 3: unexpected indentation/);
    expect(() => parseYaml('just text\n')).toThrow(/line 1: expected "key: value"/);
  });
});

describe('applyConfig', () => {
  it('turns an SD 1.x LDM yaml into diffusers’ UNet and VAE configs', async () => {
    const file = path.join(temp, 'v1-inference.yaml');
    await writeFile(file, V1_YAML);
    const config = await applyConfig(inferred, file);
    expect(config.predictionType).toBe('epsilon');
    expect(config.unet).toMatchObject({
      block_out_channels: [320, 640, 1280, 1280],
      down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'],
      up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
      layers_per_block: 2,
      cross_attention_dim: 768,
      attention_head_dim: 8,
      use_linear_projection: false,
    });
    expect(config.vae).toMatchObject({ block_out_channels: [128, 256, 512, 512], latent_channels: 4 });
  });

  it('reads SD 2.x 768-v: v-prediction, 64-channel heads, linear projections', async () => {
    const file = path.join(temp, 'v2-inference-v.yaml');
    await writeFile(file, V2_YAML);
    const config = await applyConfig(inferred, file);
    expect(config.predictionType).toBe('v_prediction');
    expect(config.unet).toMatchObject({ attention_head_dim: [5, 10, 20, 20], use_linear_projection: true });
    expect(config.unet.cross_attention_dim).toBe(1024);
  });

  it('takes a diffusers folder’s configs, checking each field’s type', async () => {
    const folder = path.join(import.meta.dirname, '../../engine/test-fixtures/models/tiny-sd-v');
    const config = await applyConfig(inferred, folder);
    expect(config.predictionType).toBe('v_prediction');
    expect(config.unet).toMatchObject({ norm_num_groups: 4, attention_head_dim: 2 });
    expect(config.textEncoder.num_attention_heads).toBe(2);
    expect(configProblem(config)).toBeNull();
    expect(configProblem(inferred)).toMatch(/8 channels do not split into 32 groups/);

    const bad = path.join(temp, 'bad');
    await mkdir(path.join(bad, 'unet'), { recursive: true });
    await writeFile(path.join(bad, 'unet', 'config.json'), JSON.stringify({ layers_per_block: 'two' }));
    await expect(applyConfig(inferred, bad)).rejects.toThrow(/layers_per_block is "two", expected a number/);
    await expect(applyConfig(inferred, path.join(temp, 'absent.yaml'))).rejects.toThrow(/no such file or folder/);
  });
});
