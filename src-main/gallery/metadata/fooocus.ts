// Fooocus: `fooocus_scheme` says which dialect `parameters` is in: `fooocus` (a JSON object of its log fields) or
// `a1111` (A1111 text with `Version: Fooocus v…`).
import { isFooocusText, parseA1111 } from './a1111';
import { finiteNumber, parseJsonObject, positiveInt, recipe, text, wholeString, type Recipe } from './recipe';
import { fromComfy } from './sampler-names';

export function parseFooocus(chunks: Record<string, string>): Recipe | null {
  const scheme = chunks['fooocus_scheme'];
  const parameters = chunks['parameters'];
  if (parameters === undefined) return null;
  const json = parseJsonObject(parameters);
  if (json && (scheme === 'fooocus' || scheme === undefined)) return fromJson(json);
  if (scheme === 'a1111' || (scheme === undefined && isFooocusText(parameters)))
    return parseA1111(parameters, 'fooocus');
  return null;
}

function fromJson(m: Record<string, unknown>): Recipe {
  // `resolution` is Python's repr of a (width, height) tuple: "(896, 1152)".
  const size = /^\(?\s*'?(\d+)'?\s*,\s*'?(\d+)'?\s*\)?$/.exec(text(m.resolution) ?? '');
  const sampler = text(m.sampler);
  return recipe('fooocus', {
    prompt: text(m.prompt) ?? '',
    negative: text(m.negative_prompt) ?? '',
    seed: wholeString(m.seed),
    steps: positiveInt(m.steps),
    guidance: finiteNumber(m.guidance_scale),
    scheduler: sampler ? fromComfy(sampler, text(m.scheduler) ?? undefined) : null,
    width: size ? Number(size[1]) : null,
    height: size ? Number(size[2]) : null,
    modelName: text(m.base_model),
    modelHash: text(m.base_model_hash),
  });
}
