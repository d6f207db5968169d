// The graph optimiser's interface as the engine uses it (graph-optimizer/index.ts implements it). Declared here so the
// cache and the provider choice take the optimiser as a parameter: tests pass a plain folder copy.

export interface OptimizeOptions {
  modelDir: string;
  outDir: string;
  fp16: boolean;
  /** Fixes every symbolic dimension, so GPU providers keep no shape arithmetic on the CPU. */
  fixedSize?: { width: number; height: number; batch: number };
  onProgress?: (fraction: number, stage: string) => void;
  signal?: AbortSignal;
}

export interface OptimizeReport {
  optimizerVersion: number;
  fusions: Record<string, number>;
  components: string[];
  files: string[];
}

export interface GraphOptimizer {
  /** Bumped whenever the optimiser's output changes: cached copies of another version are rebuilt. */
  version: number;
  optimize(options: OptimizeOptions): Promise<OptimizeReport>;
}
