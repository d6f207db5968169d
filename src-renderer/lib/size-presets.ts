// Image sizes offered next to the width/height fields, derived from the model's native size: the short side stays
// native (as 512×768 does for SD 1.5) and the long side follows the ratio.
import { generationLimits } from '../../src-main/shared/generation-limits';

export const minSide = generationLimits.side.min;
export const maxSide = generationLimits.side.max;

export interface SizePreset {
  label: string;
  width: number;
  height: number;
}

const ratios: [string, number, number][] = [
  ['1:1', 1, 1],
  ['4:3', 4, 3],
  ['3:2', 3, 2],
  ['16:9', 16, 9],
  ['3:4', 3, 4],
  ['2:3', 2, 3],
  ['9:16', 9, 16],
];

/** Rounds to the nearest multiple of `step` (8: what the engine accepts) inside the engine's limits. */
export function snapSide(value: number, step = 8): number {
  if (!Number.isFinite(value)) return minSide;
  return Math.min(maxSide, Math.max(minSide, Math.round(value / step) * step));
}

/**
 * The contract accepts multiples of 8, but a UNet halves the latent at each level and its ONNX graph may not
 * pad odd sizes: SD 1.x/2.x need multiples of 64, smaller models (two levels) of 32. Presets keep to those.
 */
function presetStep(native: number): number {
  return native >= 512 ? 64 : 32;
}

export function sizePresets(native: number): SizePreset[] {
  const step = presetStep(native);
  const presets = ratios.map(([label, w, h]) => {
    const long = snapSide((native * Math.max(w, h)) / Math.min(w, h), step);
    return w >= h ? { label, width: long, height: native } : { label, width: native, height: long };
  });
  presets.push({ label: '2×', width: snapSide(native * 2), height: snapSide(native * 2) });
  return presets;
}
