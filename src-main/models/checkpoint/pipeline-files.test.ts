import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTokenizer, findTokenizer, schedulerConfig } from './pipeline-files';
import type { PipelineConfig } from './architecture-config';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bundled = path.join(repoRoot, 'models', 'tiny-shapes', 'tokenizer');
// The real CLIP files live beside the repository, never inside it (as in clip-tokenizer-real.test.ts): an SD 1.x
// checkpoint's tokenizer is copied from an installed model that has them.
const realClip = path.resolve(repoRoot, '../shared/data/clip-tokenizer');
const haveRealClip = existsSync(realClip) || Boolean(process.env.CI);
let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'pipeline-files-'));
});
afterAll(() => rm(temp, { recursive: true, force: true }));

const sd2 = { family: 'sd2', textEncoder: { vocab_size: 49408 } } as PipelineConfig;

describe('the tokenizer of an import', () => {
  it.runIf(haveRealClip)('is the first candidate with the text encoder’s vocabulary size', async () => {
    expect(await findTokenizer([path.join(temp, 'absent'), bundled, realClip], 49408)).toBe(realClip);
    expect(await findTokenizer([bundled, realClip], 604)).toBe(bundled);
    expect(await findTokenizer([bundled], 49408)).toBeNull();
  });

  it.runIf(haveRealClip)('pads as the family does: "!" for SD 2.x on the same vocabulary', async () => {
    const to = path.join(temp, 'tokenizer');
    await copyTokenizer(realClip, to, sd2, [realClip], false);
    const config = JSON.parse(await readFile(path.join(to, 'tokenizer_config.json'), 'utf8')) as { pad_token: string };
    expect(config.pad_token).toBe('!');
    expect(await readFile(path.join(to, 'merges.txt'), 'utf8')).toBe(
      await readFile(path.join(realClip, 'merges.txt'), 'utf8'),
    );
  });
});

describe('the scheduler of an import', () => {
  it('follows the prediction type as the reference pipelines do', () => {
    expect(schedulerConfig({ predictionType: 'epsilon' } as PipelineConfig)).toMatchObject({
      _class_name: 'PNDMScheduler',
      prediction_type: 'epsilon',
      steps_offset: 1,
    });
    expect(schedulerConfig({ predictionType: 'v_prediction' } as PipelineConfig)).toMatchObject({
      _class_name: 'DDIMScheduler',
      prediction_type: 'v_prediction',
    });
  });
});
