// Resampling with a triangle (bilinear) filter as PIL's Image.resize(BILINEAR) does it: separable, pixel centres
// at i + ½, and the filter widened by the scale when shrinking, so that a reduction averages every source pixel.

/** A raster of `channels` values per pixel, row by row. */
export interface Raster {
  width: number;
  height: number;
  channels: number;
  data: ArrayLike<number>;
}

/** For each output index along one axis: the first source index and the normalised weights from there on. */
function axisWeights(inSize: number, outSize: number): { first: number; weights: number[] }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  return Array.from({ length: outSize }, (_, o) => {
    const center = (o + 0.5) * scale;
    const first = Math.max(Math.trunc(center - support + 0.5), 0);
    const last = Math.min(Math.trunc(center + support + 0.5), inSize);
    const weights: number[] = [];
    for (let i = first; i < last; i++) weights.push(Math.max(0, 1 - Math.abs((i - center + 0.5) / filterScale)));
    const sum = weights.reduce((a, b) => a + b, 0);
    return { first, weights: weights.map((w) => w / sum) };
  });
}

/** `source` resized to width × height; the same size returns the same values. */
export function resizeBilinear(source: Raster, width: number, height: number): Float32Array {
  const { channels, data } = source;
  const columns = axisWeights(source.width, width);
  const rows = axisWeights(source.height, height);
  const across = new Float64Array(width * source.height * channels);
  for (let y = 0; y < source.height; y++)
    for (let x = 0; x < width; x++) {
      const { first, weights } = columns[x];
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++)
          sum += weights[k] * data[(y * source.width + first + k) * channels + c];
        across[(y * width + x) * channels + c] = sum;
      }
    }
  const out = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const { first, weights } = rows[y];
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += weights[k] * across[((first + k) * width + x) * channels + c];
        out[(y * width + x) * channels + c] = sum;
      }
  }
  return out;
}

/** 8-bit values of a resampled raster: rounded and clamped to 0 … 255. */
export function toBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(values[i])));
  return out;
}
