// The checkpoint import form against a studio played by the test: the request its fields make, progress while the
// import runs (and not after), the new model, and the importer's refusals in the form's words.
import { describe, expect, test } from 'vitest';
import type { ModelDetails, ModelImportProgress } from '../../src-main/shared/models';
import { ApiError } from './api';
import { CheckpointImportState, importErrorInWords, type ImportInput } from './checkpoint-import.svelte';

const model = { id: 'user:tiny-import', name: 'tiny-import', inpainting: false } as ModelDetails;
const progress = (stage: string, doneBytes: number, totalBytes: number): ModelImportProgress => ({
  file: '/models/tiny-ldm.safetensors',
  stage,
  doneBytes,
  totalBytes,
});

/** A studio whose import waits until the test settles it, pushing progress in between. */
function studio() {
  const requests: ImportInput[] = [];
  const installed: ModelDetails[] = [];
  let listener: ((p: ModelImportProgress) => void) | null = null;
  let settle: { resolve: (m: ModelDetails) => void; reject: (e: unknown) => void } | null = null;
  const state = new CheckpointImportState({
    importCheckpoint: (input) => {
      requests.push(input);
      return new Promise((resolve, reject) => (settle = { resolve, reject }));
    },
    onProgress: (l) => {
      listener = l;
      return () => (listener = null);
    },
    imported: async (m) => {
      installed.push(m);
    },
  });
  return {
    state,
    requests,
    installed,
    push: (p: ModelImportProgress) => listener?.(p),
    resolve: (m: ModelDetails) => settle!.resolve(m),
    reject: (e: unknown) => settle!.reject(e),
    listening: () => listener !== null,
  };
}

describe('checkpoint import form', () => {
  test('sends the fields it has, trimmed, with the precision; nothing without a file', async () => {
    const s = studio();
    expect(s.state.canStart).toBe(false);
    expect(await s.state.start()).toBe(false);
    expect(s.requests).toEqual([]);

    s.state.path = ' /models/tiny-ldm.safetensors ';
    s.state.config = '/models/tiny-sd';
    s.state.name = '  ';
    s.state.fp16 = true;
    const started = s.state.start();
    expect(s.state.importing).toBe(true);
    expect(s.state.canStart).toBe(false);
    expect(s.requests).toEqual([
      { path: '/models/tiny-ldm.safetensors', config: '/models/tiny-sd', precision: 'fp16' },
    ]);
    s.resolve(model);
    expect(await started).toBe(true);
  });

  test('shows each stage and its percent while importing, then the new model with the fields cleared', async () => {
    const s = studio();
    s.state.path = '/models/tiny-ldm.safetensors';
    s.state.name = 'tiny-import';
    s.state.tokenizer = '/models/tiny-sd';
    expect(s.state.stageLabel).toBe('Starting');
    const started = s.state.start();
    s.push(progress('reading', 0, 0));
    expect([s.state.stageLabel, s.state.percent]).toEqual(['Reading the checkpoint', 0]);
    s.push(progress('unet', 500, 2000));
    expect([s.state.stageLabel, s.state.percent]).toEqual(['Writing the UNet', 25]);
    s.push(progress('checking', 2000, 2000));
    expect([s.state.stageLabel, s.state.percent]).toEqual(['Checking the new model', 100]);
    s.resolve(model);
    await started;
    expect(s.state.importing).toBe(false);
    expect(s.state.imported).toEqual(model);
    expect(s.installed).toEqual([model]);
    expect([s.state.path, s.state.name, s.state.config, s.state.tokenizer, s.state.fp16]).toEqual([
      '',
      '',
      '',
      '',
      false,
    ]);
    // The last event may trail the reply; another import's progress (the CLI on the same studio) is not this form's.
    s.push(progress('checking', 2000, 2000));
    expect(s.state.stageLabel).toBe('Checking the new model');
    s.push({ ...progress('unet', 10, 2000), file: '/elsewhere/other.safetensors' });
    expect(s.state.percent).toBe(100);
  });

  test("keeps the fields and says why when the importer refuses, in the form's words", async () => {
    const s = studio();
    s.state.path = '/models/tiny-ldm.safetensors';
    const started = s.state.start();
    s.push(progress('reading', 0, 0));
    expect(s.state.progress).not.toBeNull();
    s.reject(
      new ApiError({
        code: 'model_invalid',
        message:
          "/models/tiny-ldm.safetensors: the UNet's 48 channels do not split into 32 groups; name the model's config " +
          'with --config (a diffusers folder or the LDM .yaml)',
      }),
    );
    expect(await started).toBe(false);
    expect(s.state.error).toBe(
      "/models/tiny-ldm.safetensors: the UNet's 48 channels do not split into 32 groups; name the model's config " +
        'with the Config field (a diffusers folder or the LDM .yaml)',
    );
    expect(s.state.path).toBe('/models/tiny-ldm.safetensors');
    expect(s.state.progress).toBeNull();
    expect(s.installed).toEqual([]);
    expect(s.state.importing).toBe(false);
  });

  test('checks the name as the contract does before asking', async () => {
    const s = studio();
    s.state.path = '/models/tiny-ldm.safetensors';
    s.state.name = '.hidden';
    expect(await s.state.start()).toBe(false);
    expect(s.state.error).toMatch(/^Name: letters, digits, spaces, dots, dashes and underscores/);
    expect(s.requests).toEqual([]);
  });

  test('stops listening when disposed', () => {
    const s = studio();
    expect(s.listening()).toBe(true);
    s.state.dispose();
    expect(s.listening()).toBe(false);
  });
});

describe('importer messages in words', () => {
  test.each([
    [
      'a model named x already exists; choose another with --name',
      'a model named x already exists; choose another with the Name field',
    ],
    ['--config /x: no such file or folder', 'Config /x: no such file or folder'],
    ['--config: /x/unet/config.json is not a JSON object', 'Config: /x/unet/config.json is not a JSON object'],
    [
      'f: a partial checkpoint (try --config): 3 tensors missing',
      'f: a partial checkpoint (try the Config field): 3 tensors missing',
    ],
    ['or name a folder with --tokenizer DIR', 'or name a folder with the Tokenizer folder field'],
  ])('%s', (message, words) => {
    expect(importErrorInWords(new Error(message))).toBe(words);
  });
});
