// The graph optimiser the engine uses by default: null until the optimiser module is part of the build, and then
// `{ version: OPTIMIZER_VERSION, optimize: optimizeModelFolder }` from '../graph-optimizer'. Without one, GPU
// providers run the model's own graphs (correct, but slower than they could be).
import type { GraphOptimizer } from './optimizer-types';

export const defaultGraphOptimizer: GraphOptimizer | null = null;
