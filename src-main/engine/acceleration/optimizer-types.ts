// The graph optimiser as the engine uses it (graph-optimizer/ implements it): the cache and the provider choice take
// it as a parameter, so tests can pass a plain folder copy.

export type { OptimizeOptions, OptimizeReport } from '../graph-optimizer';
import type { OptimizeOptions, OptimizeReport } from '../graph-optimizer';

export interface GraphOptimizer {
  /** Bumped whenever the optimiser's output changes: cached copies of another version are rebuilt. */
  version: number;
  optimize(options: OptimizeOptions): Promise<OptimizeReport>;
}
