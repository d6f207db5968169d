// Test support: PNGs as other tools write them — pixels plus their text chunks (tEXt, or iTXt beyond Latin-1, as PIL).
import { encode } from 'fast-png';
import { insertAfterHeader, textChunk } from '../../formats/png/png-chunks';
import { pixels } from './temp-gallery';

export function pngWithText(chunks: Record<string, string>, seed = 1, width = 32, height = 32): Uint8Array {
  const png = encode({ width, height, data: pixels(seed, width, height), channels: 3, depth: 8 });
  return insertAfterHeader(
    png,
    Object.entries(chunks).map(([key, value]) => textChunk(key, value)),
  );
}

/** A1111 1.10's text for a txt2img image with a textual-inversion embedding, written by its own code path. */
export const a1111Text = [
  'masterpiece, a (red:1.2) fox in a snowy forest, <lora:detail:0.5>, cat-toy',
  'Negative prompt: blurry, lowres,',
  'bad hands',
  'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x768, ' +
    'Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, TI hashes: "cat-toy: 1a2b3c4d5e6f", ' +
    'Lora hashes: "detail: abcdef123456", Version: v1.10.1',
].join('\n');

/** InvokeAI 4.x core metadata of an img2img run. */
export const invokeMetadata = {
  generation_mode: 'img2img',
  positive_prompt: 'a watercolor lighthouse',
  negative_prompt: 'photo',
  width: 512,
  height: 512,
  seed: 1234567890,
  rand_device: 'cpu',
  cfg_scale: 7,
  cfg_rescale_multiplier: 0,
  steps: 30,
  scheduler: 'euler_a',
  clip_skip: 0,
  model: { key: 'abc', hash: 'blake3:ff00', name: 'Deliberate v2', base: 'sd-1', type: 'main' },
  strength: 0.6,
  app_version: '4.2.9',
};

/** ComfyUI's default workflow as the `prompt` (API) graph, with the model coming through a LoRA loader. */
export const comfyPrompt = {
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 156680208700286,
      steps: 20,
      cfg: 8,
      sampler_name: 'dpmpp_2m',
      scheduler: 'karras',
      denoise: 1,
      model: ['10', 0],
      positive: ['6', 0],
      negative: ['7', 0],
      latent_image: ['5', 0],
    },
  },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  '6': {
    class_type: 'CLIPTextEncode',
    inputs: { text: 'beautiful scenery nature glass bottle landscape', clip: ['4', 1] },
  },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['4', 1] } },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
  '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
  '10': {
    class_type: 'LoraLoader',
    inputs: { lora_name: 'x.safetensors', strength_model: 1, strength_clip: 1, model: ['4', 0], clip: ['4', 1] },
  },
};

/** The same graph as ComfyUI's editor saves it (`workflow`): positional widget values and a link table. */
export const comfyWorkflow = {
  nodes: [
    {
      id: 3,
      type: 'KSampler',
      inputs: [
        { name: 'model', link: 1 },
        { name: 'positive', link: 4 },
        { name: 'negative', link: 6 },
        { name: 'latent_image', link: 2 },
      ],
      widgets_values: [42, 'fixed', 25, 7, 'euler_ancestral', 'normal', 1],
    },
    { id: 4, type: 'CheckpointLoaderSimple', inputs: [], widgets_values: ['dreamshaper_8.safetensors'] },
    { id: 5, type: 'EmptyLatentImage', inputs: [], widgets_values: [640, 448, 1] },
    { id: 6, type: 'CLIPTextEncode', inputs: [{ name: 'clip', link: 3 }], widgets_values: ['a cozy cabin'] },
    { id: 7, type: 'CLIPTextEncode', inputs: [{ name: 'clip', link: 5 }], widgets_values: ['ugly'] },
  ],
  links: [
    [1, 4, 0, 3, 0, 'MODEL'],
    [2, 5, 0, 3, 3, 'LATENT'],
    [3, 4, 1, 6, 0, 'CLIP'],
    [4, 6, 0, 3, 1, 'CONDITIONING'],
    [5, 4, 1, 7, 0, 'CLIP'],
    [6, 7, 0, 3, 2, 'CONDITIONING'],
  ],
};

/** Fooocus 2.5 with its own metadata scheme (JSON in `parameters`, keys sorted as it writes them). */
export const fooocusParameters = {
  adm_guidance: '(1.5, 0.8, 0.3)',
  base_model: 'juggernautXL_v8Rundiffusion',
  base_model_hash: 'aeb7e9e689',
  full_negative_prompt: ['(worst quality, low quality:1.4)'],
  full_prompt: ['a cat wearing a hat, cinematic, highly detailed'],
  guidance_scale: 4,
  negative_prompt: '',
  performance: 'Speed',
  prompt: 'a cat wearing a hat',
  resolution: '(896, 1152)',
  sampler: 'dpmpp_2m_sde_gpu',
  scheduler: 'karras',
  seed: '8801452291312925186',
  sharpness: 2,
  steps: 30,
  styles: "['Fooocus V2', 'Fooocus Enhance']",
  version: 'Fooocus v2.5.5',
};
