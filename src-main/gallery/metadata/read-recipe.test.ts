import { describe, expect, test } from 'vitest';
import { a1111Parameters } from '../../formats/png/png-metadata';
import { a1111Text, comfyPrompt, comfyWorkflow, fooocusParameters, invokeMetadata } from '../test-support/foreign-png';
import { baseSettings } from '../test-support/temp-gallery';
import { readRecipe } from './read-recipe';
import { fromA1111, fromComfy, fromInvoke } from './sampler-names';

describe('each tool’s dialect lands in the same fields', () => {
  test('A1111: prompt, multi-line negative, quoted values, schedule type, embeddings', () => {
    expect(readRecipe({ parameters: a1111Text })).toEqual({
      source: 'a1111',
      metadata: 'complete',
      prompt: 'masterpiece, a (red:1.2) fox in a snowy forest, <lora:detail:0.5>, cat-toy',
      negative: 'blurry, lowres,\nbad hands',
      seed: '3141592653',
      batchIndex: 0,
      batchSize: 1,
      steps: 28,
      guidance: 6.5,
      scheduler: 'dpmpp-2m-karras',
      width: 512,
      height: 768,
      modelName: 'v1-5-pruned-emaonly',
      modelHash: '6ce0161689',
      strength: null,
      concepts: [{ trigger: 'cat-toy', hash: '1a2b3c4d5e6f' }],
      provider: null,
      timings: null,
      created: null,
      parentPath: null,
      initImage: null,
      maskImage: null,
    });
  });

  test('A1111 text written by this studio reads back to the same settings', () => {
    const settings = {
      ...baseSettings,
      prompt: 'a fox, at night: moody',
      negative: 'blur',
      seed: 2n ** 63n,
      batch: 2,
      strength: 0.5,
    };
    const r = readRecipe({ parameters: a1111Parameters(settings, 1) });
    expect(r).toMatchObject({
      source: 'a1111',
      prompt: settings.prompt,
      negative: 'blur',
      seed: String(2n ** 63n),
      steps: 20,
      guidance: 7.5,
      scheduler: 'euler-a',
      width: 64,
      height: 64,
      modelName: 'tiny',
      modelHash: '0123456789',
      strength: 0.5,
      batchSize: 2,
      batchIndex: 1,
    });
  });

  test('InvokeAI: invokeai_metadata (img2img), and 2.x sd-metadata', () => {
    expect(readRecipe({ invokeai_metadata: JSON.stringify(invokeMetadata), invokeai_graph: '{}' })).toMatchObject({
      source: 'invokeai',
      metadata: 'complete',
      prompt: 'a watercolor lighthouse',
      negative: 'photo',
      seed: '1234567890',
      steps: 30,
      guidance: 7,
      scheduler: 'euler-a',
      width: 512,
      height: 512,
      modelName: 'Deliberate v2',
      modelHash: 'blake3:ff00',
      strength: 0.6,
    });
    const legacy = {
      model_weights: 'stable-diffusion-1.5',
      image: {
        prompt: [{ prompt: 'a tree [fog, rain]', weight: 1 }],
        seed: 7,
        steps: 50,
        cfg_scale: 7.5,
        sampler: 'k_lms',
        width: 512,
        height: 512,
        type: 'txt2img',
      },
    };
    expect(readRecipe({ 'sd-metadata': JSON.stringify(legacy) })).toMatchObject({
      source: 'invokeai',
      prompt: 'a tree',
      negative: 'fog, rain',
      seed: '7',
      scheduler: 'k_lms',
    });
  });

  test('ComfyUI: the API graph, through a LoRA loader to the checkpoint', () => {
    expect(readRecipe({ prompt: JSON.stringify(comfyPrompt), workflow: '{"nodes": []}' })).toMatchObject({
      source: 'comfyui',
      metadata: 'complete',
      prompt: 'beautiful scenery nature glass bottle landscape',
      negative: 'text, watermark',
      seed: '156680208700286',
      steps: 20,
      guidance: 8,
      scheduler: 'dpmpp-2m-karras',
      width: 512,
      height: 512,
      modelName: 'v1-5-pruned-emaonly',
      strength: null,
    });
  });

  test('ComfyUI: only the editor workflow', () => {
    expect(readRecipe({ workflow: JSON.stringify(comfyWorkflow) })).toMatchObject({
      source: 'comfyui',
      prompt: 'a cozy cabin',
      negative: 'ugly',
      seed: '42',
      steps: 25,
      guidance: 7,
      scheduler: 'euler-a',
      width: 640,
      height: 448,
      modelName: 'dreamshaper_8',
    });
  });

  test('Fooocus: its JSON scheme, and its a1111 scheme', () => {
    expect(readRecipe({ parameters: JSON.stringify(fooocusParameters), fooocus_scheme: 'fooocus' })).toMatchObject({
      source: 'fooocus',
      metadata: 'complete',
      prompt: 'a cat wearing a hat',
      seed: '8801452291312925186',
      steps: 30,
      guidance: 4,
      scheduler: 'dpmpp_2m_sde_gpu karras',
      width: 896,
      height: 1152,
      modelName: 'juggernautXL_v8Rundiffusion',
      modelHash: 'aeb7e9e689',
    });
    const text =
      'a cat, cinematic\nNegative prompt: ugly\nSteps: 30, Sampler: DPM++ 2M SDE Karras, Seed: 5, Size: 896x1152, CFG scale: 4, Raw prompt: a cat, Version: Fooocus v2.5.5';
    expect(readRecipe({ parameters: text, fooocus_scheme: 'a1111' })).toMatchObject({
      source: 'fooocus',
      prompt: 'a cat',
      scheduler: 'DPM++ 2M SDE Karras',
    });
    expect(readRecipe({ parameters: text })).toMatchObject({ source: 'fooocus' });
  });

  test('no metadata, or metadata nobody can read, is `unknown`', () => {
    expect(readRecipe({})).toMatchObject({ source: 'unknown', metadata: 'none', prompt: '', seed: null });
    expect(readRecipe({ Software: 'GIMP', prompt: 'not json {' })).toMatchObject({
      source: 'unknown',
      metadata: 'none',
    });
    expect(readRecipe({ studio: '{"format":"diffusion-studio/1"}', invokeai_metadata: '[1,2]' })).toMatchObject({
      source: 'unknown',
    });
  });
});

describe('sampler names map to the studio’s ids where the algorithm is the same', () => {
  test.each([
    [fromA1111('Euler a'), 'euler-a'],
    [fromA1111('DPM++ 2M Karras'), 'dpmpp-2m-karras'],
    [fromA1111('DPM++ 2M', 'Karras'), 'dpmpp-2m-karras'],
    [fromA1111('DPM++ 2M', 'Automatic'), 'dpmpp-2m'],
    [fromA1111('PLMS'), 'pndm'],
    [fromA1111('DPM++ SDE', 'Karras'), 'DPM++ SDE Karras'],
    [fromA1111('UniPC'), 'UniPC'],
    [fromComfy('dpmpp_2m', 'karras'), 'dpmpp-2m-karras'],
    [fromComfy('euler_ancestral', 'normal'), 'euler-a'],
    [fromComfy('euler', 'karras'), 'euler karras'],
    [fromComfy('uni_pc', 'normal'), 'uni_pc'],
    [fromInvoke('euler_a'), 'euler-a'],
    [fromInvoke('dpmpp_2m_k'), 'dpmpp-2m-karras'],
    [fromInvoke('unipc'), 'unipc'],
  ])('%s → %s', (actual, expected) => expect(actual).toBe(expected));
});
