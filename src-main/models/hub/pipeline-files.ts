// Which files of a repository (or a model folder) make a diffusers ONNX pipeline: model_index.json, the model card,
// and the direct contents of the six component folders the studio reads (graphs, their external data, configs,
// tokenizer files) — never another framework's weights, nor the safety checker, which the studio does not run.

export const pipelineFolders = ['scheduler', 'tokenizer', 'text_encoder', 'unet', 'vae_encoder', 'vae_decoder'];
const topLevelFiles = ['model_index.json', 'README.md'];
/** PyTorch, safetensors, Flax, TensorFlow and OpenVINO weights: a diffusers repo may hold them beside the ONNX ones. */
const otherWeights = /\.(bin|safetensors|ckpt|pt|pth|msgpack|h5|ot|xml|tflite|mlmodel|mlpackage)$/i;
/** Single-file checkpoints, which the checkpoint importer turns into a pipeline. */
const checkpointFile = /\.(safetensors|ckpt)$/i;

export function isPipelineFile(path: string): boolean {
  const parts = path.split('/');
  if (parts.some((part) => part.startsWith('.'))) return false;
  if (parts.length === 1) return topLevelFiles.includes(parts[0]);
  return parts.length === 2 && pipelineFolders.includes(parts[0]) && !otherWeights.test(parts[1]);
}

export type RepoLayout =
  | { kind: 'pipeline' }
  | { kind: 'checkpoint'; files: string[] }
  /** A diffusers repository without ONNX graphs, or something else: `missing` names what a pipeline lacks. */
  | { kind: 'other'; missing: string[] };

/** What a repository holds, from its file list. `required` is the model folder check's list of needed files. */
export function repoLayout(paths: string[], required: readonly string[]): RepoLayout {
  const present = new Set(paths.filter(isPipelineFile));
  const missing = required.filter((file) => !present.has(file));
  if (missing.length === 0) return { kind: 'pipeline' };
  const checkpoints = paths.filter((p) => !p.includes('/') && checkpointFile.test(p));
  if (!present.has('model_index.json') && checkpoints.length > 0) return { kind: 'checkpoint', files: checkpoints };
  return { kind: 'other', missing };
}
