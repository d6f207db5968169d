// InvokeAI: `invokeai_metadata` (3.x–5.x: a flat JSON object of the core metadata node), or `sd-metadata` (2.x).
import { finiteNumber, parseJsonObject, positiveInt, recipe, text, wholeString, type Recipe } from './recipe';
import { fromInvoke } from './sampler-names';

export function parseInvokeAi(chunks: Record<string, string>): Recipe | null {
  const m = parseJsonObject(chunks['invokeai_metadata']);
  if (m) return fromCoreMetadata(m);
  const legacy = parseJsonObject(chunks['sd-metadata']);
  return legacy ? fromLegacy(legacy) : null;
}

function fromCoreMetadata(m: Record<string, unknown>): Recipe {
  const model = typeof m.model === 'object' && m.model !== null ? (m.model as Record<string, unknown>) : {};
  const mode = text(m.generation_mode) ?? '';
  const img2img = /img2img|inpaint|outpaint/.test(mode);
  return recipe('invokeai', {
    prompt: text(m.positive_prompt) ?? '',
    negative: text(m.negative_prompt) ?? '',
    seed: wholeString(m.seed),
    steps: positiveInt(m.steps),
    guidance: finiteNumber(m.cfg_scale),
    scheduler: text(m.scheduler) ? fromInvoke(text(m.scheduler)!) : null,
    width: positiveInt(m.width),
    height: positiveInt(m.height),
    modelName: text(model.name) ?? text(model.model_name) ?? text(m.model),
    modelHash: text(model.hash),
    strength: img2img ? (finiteNumber(m.strength) ?? strengthFromStart(m.denoising_start)) : null,
  });
}

/** InvokeAI 4+ says where denoising starts instead of how strong it is. */
function strengthFromStart(value: unknown): number | null {
  const start = finiteNumber(value);
  return start === null ? null : 1 - start;
}

function fromLegacy(m: Record<string, unknown>): Recipe {
  const image = typeof m.image === 'object' && m.image !== null ? (m.image as Record<string, unknown>) : {};
  const prompts = Array.isArray(image.prompt) ? image.prompt : [];
  const prompt =
    typeof image.prompt === 'string'
      ? image.prompt
      : prompts
          .map((p) => (typeof p === 'object' && p !== null ? text((p as { prompt?: unknown }).prompt) : null))
          .filter(Boolean)
          .join(' ');
  // 2.x kept the negative prompt inline, in square brackets.
  const negative = [...prompt.matchAll(/\[([^\]]*)\]/g)].map((match) => match[1].trim()).join(', ');
  return recipe('invokeai', {
    prompt: prompt.replace(/\[[^\]]*\]/g, '').trim(),
    negative,
    seed: wholeString(image.seed),
    steps: positiveInt(image.steps),
    guidance: finiteNumber(image.cfg_scale),
    scheduler: text(image.sampler),
    width: positiveInt(image.width),
    height: positiveInt(image.height),
    modelName: text(m.model_weights),
    modelHash: text(m.model_hash),
    strength: image.type === 'img2img' ? finiteNumber(image.strength) : null,
  });
}
