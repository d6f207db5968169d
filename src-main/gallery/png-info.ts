// What a PNG says about how it was made, read without importing it: the "PNG info" of A1111, for files dropped or
// pasted on the window. The same dialect readers as import, so what is shown is what an import would keep.
import { StudioError } from '../shared/errors';
import type { PngInfo, ReusableSettings } from '../shared/gallery';
import { generationLimits as limits } from '../shared/generation-limits';
import { isSchedulerId } from '../shared/schedulers';
import { PngLimitError } from '../formats/png/png-chunks';
import { checkPngDimensions } from '../formats/png/png-decode-guard';
import { readRecipe } from './metadata/read-recipe';
import type { Recipe } from './metadata/recipe';
import { hasPngSignature, textChunksOf } from './png';

export function readPngInfo(bytes: Uint8Array): PngInfo {
  if (!hasPngSignature(bytes)) throw new StudioError('invalid_input', 'This file is not a PNG image');
  let size;
  let chunks;
  try {
    size = checkPngDimensions(bytes);
    chunks = textChunksOf(bytes);
  } catch (error) {
    const problem = error instanceof PngLimitError ? error.message : (error as Error).message;
    throw new StudioError('invalid_input', `This PNG cannot be read: ${problem}`);
  }
  const recipe = readRecipe(chunks);
  const width = recipe.width ?? size.width;
  const height = recipe.height ?? size.height;
  return {
    source: recipe.source,
    metadata: recipe.metadata,
    prompt: recipe.prompt,
    negative: recipe.negative,
    seed: recipe.seed,
    steps: recipe.steps,
    guidance: recipe.guidance,
    scheduler: recipe.scheduler,
    width,
    height,
    model: recipe.modelName,
    modelHash: recipe.modelHash,
    strength: recipe.strength,
    concepts: recipe.concepts,
    parameters: chunks['parameters'] ?? null,
    settings: settingsOf(recipe, width, height),
  };
}

/** The recipe as a generate.submit input: settings beyond the studio's limits are left for the form to keep. */
function settingsOf(recipe: Recipe, width: number, height: number): ReusableSettings {
  const settings: ReusableSettings = {
    prompt: recipe.prompt.slice(0, limits.promptLength.max),
    negative: recipe.negative.slice(0, limits.promptLength.max),
    batch: 1,
  };
  if (recipe.modelName !== null) settings.model = recipe.modelName;
  if (recipe.seed !== null && BigInt(recipe.seed) <= limits.seed.max) settings.seed = recipe.seed;
  const within = (n: number | null, min: number, max: number): n is number => n !== null && n >= min && n <= max;
  if (within(recipe.steps, limits.steps.min, limits.steps.max)) settings.steps = recipe.steps;
  if (within(recipe.guidance, limits.guidance.min, limits.guidance.max)) settings.guidance = recipe.guidance;
  if (isSchedulerId(recipe.scheduler)) settings.scheduler = recipe.scheduler;
  const { min, max, multiple } = limits.side;
  const side = (n: number) => n >= min && n <= max && n % multiple === 0;
  if (side(width) && side(height)) Object.assign(settings, { width, height });
  return settings;
}
