// The model library as the views see it: installed models by id, what each one is, and why a folder was refused.
import { z } from 'zod';

export type ModelSource = 'bundled' | 'data' | 'imported';

export interface ModelFolderProblem {
  /** Relative to the model folder ('unet/model.onnx'), or '.' for the folder itself. */
  file: string;
  problem: string;
}

export interface ModelDetails {
  id: string;
  name: string;
  bundled: boolean;
  /** bundled with the app, a folder in the data directory's models/, or a folder imported where it lies. */
  source: ModelSource;
  default: boolean;
  /** Every problem found; the other facts are null when there is any. */
  problems: ModelFolderProblem[];
  kind: 'sd1' | 'sd2' | null;
  predictionType: string | null;
  /** The UNet's float type, read from the VAE decoder's graph (both are exported at one precision). */
  precision: 'fp32' | 'fp16' | null;
  nativeSize: number | null;
  defaultScheduler: string | null;
  img2img: boolean | null;
  hash: string | null;
  sizeBytes: number;
  /** The folder's README.md (or model card), as plain text; null when it has none. */
  readme: string | null;
  /** The execution provider its jobs run on with the current preference. */
  provider: string;
}

const modelId = z.string().min(1).max(200);
export const modelRefSchema = z.object({ model: modelId }).strict();
export const modelDetailsSchema = z.object({ model: modelId.optional() }).strict();
/** A folder on the machine running the studio: the user's own input, checked there. */
export const modelAddSchema = z.object({ path: z.string().min(1).max(4096) }).strict();
/** A single-file checkpoint to turn into a model folder in the data directory's models/. */
export const modelImportSchema = z
  .object({
    path: z.string().min(1).max(4096),
    /** A diffusers config folder or an LDM .yaml, for what the checkpoint's shapes cannot tell. */
    config: z.string().min(1).max(4096).optional(),
    precision: z.enum(['fp32', 'fp16']).optional(),
    /** The new folder's name (default: the file's name). */
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w][\w .-]*$/, 'letters, digits, spaces, dots, dashes and underscores, not starting with a dot')
      .optional(),
    /** A folder holding the CLIP tokenizer (vocab.json, merges.txt) when no installed model has one to copy. */
    tokenizer: z.string().min(1).max(4096).optional(),
  })
  .strict();

/** Pushed while a checkpoint import writes its weights. */
export interface ModelImportProgress {
  file: string;
  stage: string;
  doneBytes: number;
  totalBytes: number;
}

export const modelRemoveSchema = z
  .object({
    model: modelId,
    /** Needed to delete a folder in the data directory's models/; an imported location is only forgotten. */
    deleteFiles: z.boolean().optional(),
  })
  .strict();

/** Longest README text sent to the views. */
export const maxReadmeChars = 20_000;
