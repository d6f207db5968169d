// SD 1.5's full name tables: diffusers' own diffusers → LDM script, run on SD 1.5-structured modules
// (tools/reference/sd15_ldm_names.py), inverted by the importer, name for name; and the parameter schemas list
// exactly the parameters diffusers' modules have.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UNetConfig, VaeConfig } from './architecture-config';
import { mapClipName, mapOpenClipName, mapUnetName, mapVaeName } from './ldm-names';
import { unetParameters, vaeParameters } from './parameter-schema';
import { SD15_UNET, SD15_VAE } from './test-support/sd15-configs';

const tables = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'fixtures', 'sd15-ldm-names.json'), 'utf8'),
) as { unet: Record<string, string>; vae: Record<string, string> };

// The structure sd15_ldm_names.py built, at a quarter of SD 1.5's widths (names do not depend on widths).
const unet: UNetConfig = { ...SD15_UNET, block_out_channels: [32, 64, 128, 128], cross_attention_dim: 64 };
const vae: VaeConfig = { ...SD15_VAE, block_out_channels: [32, 64, 128, 128] };

describe('LDM → diffusers names on SD 1.5’s layout', () => {
  it('maps every UNet name as diffusers’ conversion script does', () => {
    for (const [diffusers, ldm] of Object.entries(tables.unet)) expect(mapUnetName(ldm, 2), ldm).toBe(diffusers);
  });

  it('maps every VAE name, squeezing the attention’s 1×1 convolutions', () => {
    for (const [diffusers, ldm] of Object.entries(tables.vae)) {
      const mapped = mapVaeName(ldm, 4);
      expect(mapped?.target, ldm).toBe(diffusers);
      expect(mapped?.squeeze).toBe(/attn_1\.(q|k|v|proj_out)\.weight$/.test(ldm));
    }
  });

  it('the parameter schemas name exactly the modules’ parameters', () => {
    expect([...unetParameters(unet).keys()].sort()).toEqual(Object.keys(tables.unet).sort());
    expect([...vaeParameters(vae).keys()].sort()).toEqual(Object.keys(tables.vae).sort());
  });

  it('reads CLIP text encoders saved with or without the text_model level', () => {
    expect(mapClipName('text_model.encoder.layers.0.mlp.fc1.weight')).toBe('text_model.encoder.layers.0.mlp.fc1.weight');
    expect(mapClipName('encoder.layers.0.mlp.fc1.weight')).toBe('text_model.encoder.layers.0.mlp.fc1.weight');
    expect(mapClipName('embeddings.position_ids')).toBe('text_model.embeddings.position_ids');
    expect(mapClipName('logit_scale')).toBeNull();
  });

  it('leaves unknown names unmapped rather than guessing', () => {
    expect(mapUnetName('label_emb.0.0.weight', 2)).toBeNull();
    expect(mapVaeName('encoder.mid.attn_2.q.weight', 4)).toBeNull();
    expect(mapOpenClipName('logit_scale', 1024, 23)).toBeNull();
    expect(mapOpenClipName('transformer.resblocks.23.ln_1.weight', 1024, 23)).toEqual([]);
  });
});
