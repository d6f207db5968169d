// The "linspace", "leading" and "trailing" timestep spacings (Lin et al. 2023, Table 2) as diffusers' numpy code computes them.
import { field, oneOf } from './config';
import { arange, linspace, roundHalfEven } from './numpy-compat';

export type TimestepSpacing = 'linspace' | 'leading' | 'trailing';

export function spacingField(fallback: TimestepSpacing) {
  return field(oneOf<TimestepSpacing>('linspace', 'leading', 'trailing'), fallback);
}

export interface SpacingOptions {
  readonly spacing: TimestepSpacing;
  readonly numTrainTimesteps: number;
  readonly stepsOffset: number;
  /** DDIM and PNDM round the linspace values to integers; Euler keeps them as float32. */
  readonly linspaceValues: 'rounded' | 'float32';
}

/** One timestep per inference step, descending (DDIM, PNDM, Euler, Euler ancestral). */
export function spacedTimesteps(numInferenceSteps: number, options: SpacingOptions): number[] {
  const { numTrainTimesteps: total, stepsOffset } = options;
  switch (options.spacing) {
    case 'linspace': {
      const values = linspace(0, total - 1, numInferenceSteps);
      const kept = values.map(options.linspaceValues === 'rounded' ? roundHalfEven : Math.fround);
      return kept.reverse();
    }
    case 'leading': {
      const ratio = Math.floor(total / numInferenceSteps);
      return Array.from({ length: numInferenceSteps }, (_, i) => i * ratio + stepsOffset).reverse();
    }
    case 'trailing':
      return arange(total, 0, -total / numInferenceSteps).map((t) => roundHalfEven(t) - 1);
  }
}

/**
 * DPMSolverMultistepScheduler's variant: spaced over N+1 points with the last dropped, and starting below
 * `lastTimestep` when lambda_min_clipped cuts the schedule short.
 */
export function dpmSolverTimesteps(
  numInferenceSteps: number,
  lastTimestep: number,
  options: Omit<SpacingOptions, 'linspaceValues'>,
): number[] {
  const n = numInferenceSteps;
  switch (options.spacing) {
    case 'linspace':
      return linspace(0, lastTimestep - 1, n + 1)
        .map(roundHalfEven)
        .reverse()
        .slice(0, n);
    case 'leading': {
      const ratio = Math.floor(lastTimestep / (n + 1));
      return Array.from({ length: n }, (_, i) => (n - i) * ratio + options.stepsOffset);
    }
    case 'trailing':
      return arange(lastTimestep, 0, -options.numTrainTimesteps / n).map((t) => roundHalfEven(t) - 1);
  }
}
