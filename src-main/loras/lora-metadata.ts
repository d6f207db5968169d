// What a LoRA file says about itself: kohya's sd-scripts write `ss_*` fields (ss_tag_frequency: caption tags and their
// counts per dataset folder; ss_base_model_version; ss_network_alpha …), the modelspec fields name an architecture and
// trigger phrases; where the metadata is silent, the shapes tell SD 1.x (cross-attention width 768) from SD 2.x (1024).
import type { LoraModule, LoraTensor } from '../engine';
import type { LoraInfo } from '../shared/loras';

const MAX_TRIGGER_WORDS = 12;

export function triggerWordsOf(metadata: Record<string, unknown>): string[] {
  const words: string[] = [];
  const add = (word: string) => {
    const w = word.trim();
    if (w && !words.some((x) => x.toLowerCase() === w.toLowerCase())) words.push(w);
  };
  // Named by the author first: they are what the LoRA was made to answer to.
  for (const key of ['ss_trigger_words', 'modelspec.trigger_phrase', 'trigger_words', 'activation_text'])
    if (typeof metadata[key] === 'string') for (const w of split(metadata[key] as string)) add(w);
  const tags = parseJson(metadata.ss_tag_frequency);
  if (tags && typeof tags === 'object') {
    const counts = new Map<string, number>();
    for (const folder of Object.values(tags as Record<string, unknown>))
      if (folder && typeof folder === 'object')
        for (const [tag, count] of Object.entries(folder as Record<string, unknown>))
          if (typeof count === 'number') counts.set(tag.trim(), (counts.get(tag.trim()) ?? 0) + count);
    [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).forEach(([tag]) => add(tag));
  }
  return words.slice(0, MAX_TRIGGER_WORDS);
}

export function baseModelOf(
  metadata: Record<string, unknown>,
  modules: readonly LoraModule[],
  tensors: ReadonlyMap<string, LoraTensor>,
): LoraInfo['baseModel'] {
  const stated = `${metadata.ss_base_model_version ?? ''} ${metadata['modelspec.architecture'] ?? ''}`.toLowerCase();
  if (/sdxl|xl-v1|stable-diffusion-xl/.test(stated)) return 'sdxl';
  if ([...tensors.keys()].some((k) => k.startsWith('lora_te2_') || k.startsWith('text_encoder_2.'))) return 'sdxl';
  if (/sd_v1|stable-diffusion-v1/.test(stated)) return 'sd1';
  if (/sd_v2|stable-diffusion-v2/.test(stated)) return 'sd2';
  // The cross-attention key projection reads the text encoder's width.
  const toK = modules.find((m) => m.component === 'unet' && /attn2[._]to_k$/.test(m.name));
  const width = toK?.down.dims[1];
  if (width === 768) return 'sd1';
  if (width === 1024) return 'sd2';
  if (width === 2048) return 'sdxl';
  return 'unknown';
}

function split(value: string): string[] {
  const parsed = parseJson(value);
  if (Array.isArray(parsed)) return parsed.filter((x): x is string => typeof x === 'string');
  return value.split(',');
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
