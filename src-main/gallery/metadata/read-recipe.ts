// Which tool made a PNG, told by its text chunks, and its recipe read in that tool's dialect. Most specific first:
// the studio and InvokeAI have their own chunks; Fooocus and A1111 share `parameters`; ComfyUI writes `prompt`.
import { parseA1111 } from './a1111';
import { parseComfy } from './comfyui';
import { parseFooocus } from './fooocus';
import { parseInvokeAi } from './invokeai';
import { unknownRecipe, type Recipe } from './recipe';
import { parseStudio } from './studio';

const dialects: ((chunks: Record<string, string>) => Recipe | null)[] = [
  parseStudio,
  parseInvokeAi,
  parseFooocus,
  parseComfy,
  (chunks) => (chunks['parameters'] !== undefined ? parseA1111(chunks['parameters']) : null),
];

/** Never throws: metadata that no dialect reads gives an `unknown` recipe, and the image is still kept. */
export function readRecipe(chunks: Record<string, string>): Recipe {
  for (const dialect of dialects) {
    try {
      const found = dialect(chunks);
      if (found) return found;
    } catch {
      // A dialect that chokes on a damaged chunk is not the end: the next one, or `unknown`, takes over.
    }
  }
  return unknownRecipe();
}
