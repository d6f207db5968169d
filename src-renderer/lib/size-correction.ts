// What the size fields do to a typed width or height, and the words that say so: a size the engine cannot take is
// corrected when the field is left, and the person is told what it became and why rather than finding out later.
import { maxSide, minSide, snapSide } from './size-presets';

export interface SideCorrection {
  value: number;
  /** Null when the typed value was kept as it was. */
  note: string | null;
}

export function correctSide(typed: number): SideCorrection {
  const value = snapSide(typed);
  if (value === typed) return { value, note: null };
  if (!Number.isFinite(typed) || typed < minSide) return { value, note: `Raised to ${value} (the smallest size)` };
  if (typed > maxSide) return { value, note: `Capped at ${value} (the largest size)` };
  return { value, note: `Rounded to ${value}: sizes are multiples of 8` };
}
