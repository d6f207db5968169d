// The graph optimiser: rewrites a diffusers ONNX folder's graphs into the fused forms GPU providers run fast
// (MultiHeadAttention, LayerNormalization/SkipLayerNormalization, Gelu), optionally fixed in size and in fp16.
export {
  OPTIMIZER_VERSION,
  OptimizeError,
  optimizeModelFolder,
  type OptimizeOptions,
  type OptimizeReport,
} from './optimize-folder';
