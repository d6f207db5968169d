// Test support: a diffusers-layout model folder whose graphs are identities (no weights), for checks of folder
// handling and pipeline mechanics (steps, cancellation, batching) that need no real images.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnxModel } from './onnx-writer';

/** SD 1.5's scheduler_config.json. */
export const sd15SchedulerConfig = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

export interface FakeModelOptions {
  schedulerConfig?: Record<string, unknown>;
  configs?: Partial<Record<'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder', Record<string, unknown>>>;
  vaeEncoder?: boolean;
  /** Fix the UNet's latent height and width (as some exports do); symbolic otherwise. */
  fixedLatentSize?: number;
  /** Fix the UNet's `encoder_hidden_states` token positions (as some exports do); symbolic otherwise. */
  fixedSequenceLength?: number;
  /** The channel axis of the UNet's `sample`: 4 (default), another fixed number, or dynamic (as diffusers exports). */
  unetChannels?: number | 'dynamic';
}

export function writeFakeModel(dir: string, options: FakeModelOptions = {}): string {
  const write = (path: string, content: string | Uint8Array) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  write(
    'model_index.json',
    JSON.stringify({ _class_name: 'OnnxStableDiffusionPipeline', _diffusers_version: '0.40.0' }),
  );
  write('scheduler/scheduler_config.json', JSON.stringify(options.schedulerConfig ?? sd15SchedulerConfig));
  write(
    'tokenizer/vocab.json',
    JSON.stringify({ '!': 0, 'a</w>': 1, 'b</w>': 2, 'ab</w>': 3, '<|startoftext|>': 4, '<|endoftext|>': 5 }),
  );
  write('tokenizer/merges.txt', '#version: 0.2\na b</w>\n');
  write('tokenizer/special_tokens_map.json', JSON.stringify({ pad_token: '<|endoftext|>' }));
  write(
    'text_encoder/model.onnx',
    onnxModel({
      inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 'sequence'] }],
      outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence'], from: 'input_ids' }],
    }),
  );
  const latent = { type: 'float32', shape: ['batch', 4, 'height', 'width'] } as const;
  const size = options.fixedLatentSize;
  const channels = options.unetChannels === 'dynamic' ? 'channels' : (options.unetChannels ?? 4);
  const unetLatent = { ...latent, shape: ['batch', channels, size ?? 'height', size ?? 'width'] };
  write(
    'unet/model.onnx',
    onnxModel({
      inputs: [
        { name: 'sample', ...unetLatent },
        { name: 'timestep', type: 'int64', shape: [1] },
        { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', options.fixedSequenceLength ?? 'sequence'] },
      ],
      outputs: [{ name: 'out_sample', ...unetLatent, from: 'sample' }],
    }),
  );
  const passThrough = (input: string, output: string) =>
    onnxModel({ inputs: [{ name: input, ...latent }], outputs: [{ name: output, ...latent, from: input }] });
  write('vae_decoder/model.onnx', passThrough('latent_sample', 'sample'));
  if (options.vaeEncoder) write('vae_encoder/model.onnx', passThrough('sample', 'latent_sample'));
  for (const [folder, config] of Object.entries(options.configs ?? {}))
    write(`${folder}/config.json`, JSON.stringify(config));
  return dir;
}
