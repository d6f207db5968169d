// NumPy's linspace, arange, round and interp in float64, step for step, so schedules match diffusers' numpy code.

/** np.round / ndarray.round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.linspace: `i * step + start`, the last value set to `stop` exactly when the endpoint is included. */
export function linspace(start: number, stop: number, num: number, endpoint = true): number[] {
  const div = endpoint ? num - 1 : num;
  const step = (stop - start) / div;
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(div > 0 ? i * step + start : i * (stop - start) + start);
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/**
 * np.arange with a float step: length ceil((stop − start) / step), then NumPy fills `start + i·delta` where
 * delta = (start + step) − start, which is not always `step` in floating point.
 */
export function arange(start: number, stop: number, step: number): number[] {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const delta = start + step - start;
  return Array.from({ length }, (_, i) => (i === 0 ? start : i === 1 ? start + step : start + i * delta));
}

/**
 * np.interp(x, np.arange(len(fp)), fp): `slope·(x − x_j) + fp_j` with fp in double, exact grid hits returning
 * fp_j, and the ends clamped, as NumPy's compiled interp does.
 */
export function interpUnitGrid(x: number, fp: ArrayLike<number>): number {
  const last = fp.length - 1;
  if (Number.isNaN(x)) return x;
  if (x <= 0) return fp[0];
  if (x >= last) return fp[last];
  const j = Math.floor(x);
  if (j === x) return fp[j];
  const slope = fp[j + 1] - fp[j];
  return slope * (x - j) + fp[j];
}
