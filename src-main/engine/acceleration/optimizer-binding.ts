// The graph optimiser the engine uses by default for GPU providers: fused attention and layer norms, fixed sizes,
// fp16 (graph-optimizer/). The CPU path never uses it: its graphs stay the model's own, bit-exact with diffusers.
import { OPTIMIZER_VERSION, optimizeModelFolder } from '../graph-optimizer';
import type { GraphOptimizer } from './optimizer-types';

export const defaultGraphOptimizer: GraphOptimizer | null = {
  version: OPTIMIZER_VERSION,
  optimize: optimizeModelFolder,
};
