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
  /** An inpainting model: its UNet takes 9 channels (latents, mask, masked image). */
  inpainting: boolean | null;
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

// Downloads from the Hugging Face Hub (or a mirror: the `hubEndpoint` setting) and exports to a diffusers folder.

/** `owner/name` (or a legacy name without owner), spelled as the Hub allows. */
const hubName = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;
export const hubRepoId = z
  .string()
  .trim()
  .max(200)
  .refine(
    (id) => id.split('/').length <= 2 && id.split('/').every((part) => hubName.test(part) && !/--|\.\./.test(part)),
    'a Hub repository id is owner/name (letters, digits, . _ -)',
  );
/** A branch, tag or commit: what the Hub takes after /resolve/. */
export const hubRevision = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._/-]+$/, 'a revision is a branch, a tag or a commit hash')
  .refine((rev) => !rev.split('/').some((part) => part === '' || part === '.' || part === '..'), 'not a revision');
/** The folder name a downloaded model gets in the data directory's models/. */
export const modelFolderName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a model name is letters, digits, . _ - (at most 100)');

export const modelDownloadSchema = z
  .object({ repo: hubRepoId, revision: hubRevision.default('main'), name: modelFolderName.optional() })
  .strict();
export const downloadRefSchema = z.object({ downloadId: z.string().uuid() }).strict();
/** A folder on the studio's machine, empty or not yet there. */
export const modelExportSchema = z.object({ model: modelId, dir: z.string().min(1).max(4096) }).strict();

export interface DownloadStarted {
  downloadId: string;
  repo: string;
  /** The commit the revision pointed to when the download started: every file comes from it. */
  commit: string;
  name: string;
  files: number;
  totalBytes: number;
}

export interface ModelExportResult {
  dir: string;
  files: number;
  bytes: number;
}

export interface ModelEvents {
  'models.download.progress': {
    downloadId: string;
    file: string;
    /** Bytes of the whole download (files done + this one so far), resumed bytes included. */
    bytes: number;
    totalBytes: number;
    filesDone: number;
    filesTotal: number;
  };
  'models.download.done': { downloadId: string; repo: string; model: { id: string; name: string } };
  'models.download.failed': {
    downloadId: string;
    repo: string;
    code: string;
    /** offline, gated, forbidden, hash_mismatch, http, cancelled, … (see the error's details). */
    reason: string | null;
    message: string;
  };
}
