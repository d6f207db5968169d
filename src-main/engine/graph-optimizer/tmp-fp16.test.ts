import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { decodeModel, encodeModel } from '../../formats/onnx';
import { fixtureFeeds, relativeError, runOnCpu, type Component } from '../test-support/fixture-feeds';
import { fuseModel } from './optimize-graph';
import { convertToFloat16 } from './convert-fp16';
const fixtures = join(import.meta.dirname, '../test-fixtures/models');
for (const fuse of [false, true])
  for (const c of ['unet', 'text_encoder', 'vae_decoder', 'vae_encoder'] as Component[])
    it(`${fuse} ${c}`, async () => {
      const bytes = new Uint8Array(readFileSync(join(fixtures, 'tiny-sd', c, 'model.onnx')));
      const model = decodeModel(bytes);
      const counts = fuse ? fuseModel(model) : {};
      const n = convertToFloat16(model.graph);
      const out = encodeModel(model);
      const feeds = fixtureFeeds(bytes, c);
      const a = await runOnCpu(bytes, feeds);
      let err: string;
      try {
        const b = await runOnCpu(out, feeds);
        err = Object.keys(a)
          .map((k) => `${k}:${relativeError(a[k], b[k]).toExponential(2)}`)
          .join(' ');
      } catch (e) {
        err = String(e).slice(0, 400);
      }
      console.log('RES', fuse, c, n, bytes.length, out.length, JSON.stringify(counts), err);
    });
