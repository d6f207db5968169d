// The Models panel's checkpoint import: the form's fields, checked as the contract checks them, one import at a time
// with its progress from models.importProgress, and the importer's reason in the form's words when it refuses.
import { modelImportSchema, type ModelDetails, type ModelImportProgress } from '../../src-main/shared/models';

export type ImportInput = ReturnType<typeof modelImportSchema.parse>;

/** What the import needs from the studio; the component wires it to the api, a test plays it. */
export interface CheckpointImportHost {
  importCheckpoint(input: ImportInput): Promise<ModelDetails>;
  /** Listens to models.importProgress; returns the unsubscribe. */
  onProgress(listener: (progress: ModelImportProgress) => void): () => void;
  /** Told of the new model, to read the library again. */
  imported(model: ModelDetails): Promise<void>;
}

const stageLabels: Record<string, string> = {
  reading: 'Reading the checkpoint',
  unet: 'Writing the UNet',
  text_encoder: 'Writing the text encoder',
  vae_encoder: 'Writing the VAE encoder',
  vae_decoder: 'Writing the VAE decoder',
  checking: 'Checking the new model',
};

/** The form's label for each of the importer's options, as its messages name them (they speak the CLI's words). */
const fieldOfOption: Record<string, string> = {
  config: 'Config',
  name: 'Name',
  tokenizer: 'Tokenizer folder',
  fp16: 'Store as fp16',
};

export class CheckpointImportState {
  path = $state('');
  name = $state('');
  config = $state('');
  tokenizer = $state('');
  fp16 = $state(false);
  importing = $state(false);
  progress = $state<ModelImportProgress | null>(null);
  /** The last model this form imported. */
  imported = $state<ModelDetails | null>(null);
  error = $state<string | null>(null);
  /** The file name of the import whose progress is shown. */
  private watching: string | null = null;
  private readonly stop: () => void;

  constructor(private readonly host: CheckpointImportHost) {
    // Events come on their own channel and may trail the import's reply: the form takes those of the file it imported
    // last (the server names it by its resolved path), never another import's.
    this.stop = host.onProgress((progress) => {
      if (this.watching !== null && fileName(progress.file) === this.watching) this.progress = progress;
    });
  }

  /** 0–100: the weights written so far; the check at the end counts as done. */
  get percent(): number {
    const p = this.progress;
    if (!p || p.totalBytes <= 0) return 0;
    return Math.min(100, Math.floor((100 * p.doneBytes) / p.totalBytes));
  }

  get stageLabel(): string {
    const stage = this.progress?.stage;
    if (!stage) return 'Starting';
    return stageLabels[stage] ?? stage;
  }

  get canStart(): boolean {
    return !this.importing && this.path.trim() !== '';
  }

  /** The request the form's fields make, or the first thing wrong with them, named as the form names it. */
  request(): { ok: true; input: ImportInput } | { ok: false; error: string } {
    const optional = (value: string) => value.trim() || undefined;
    const parsed = modelImportSchema.safeParse({
      path: this.path.trim(),
      name: optional(this.name),
      config: optional(this.config),
      tokenizer: optional(this.tokenizer),
      precision: this.fp16 ? 'fp16' : 'fp32',
    });
    if (parsed.success) return { ok: true, input: parsed.data };
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? '');
    const label = field === 'path' ? 'Checkpoint file' : (fieldOfOption[field] ?? field);
    return { ok: false, error: `${label}: ${issue.message}` };
  }

  /** True when the model was imported; otherwise `error` says why. */
  async start(): Promise<boolean> {
    if (!this.canStart) return false;
    const request = this.request();
    this.error = null;
    if (!request.ok) {
      this.error = request.error;
      return false;
    }
    this.importing = true;
    this.progress = null;
    this.imported = null;
    this.watching = fileName(request.input.path);
    try {
      const model = await this.host.importCheckpoint(request.input);
      this.imported = model;
      this.path = this.name = this.config = this.tokenizer = '';
      this.fp16 = false;
      await this.host.imported(model);
      return true;
    } catch (error) {
      this.watching = null;
      this.progress = null;
      this.error = importErrorInWords(error);
      return false;
    } finally {
      this.importing = false;
    }
  }

  dispose(): void {
    this.stop();
  }
}

function fileName(file: string): string {
  return file.split(/[\\/]/).at(-1) ?? file;
}

/** The importer's message with its CLI options (`--config`) named as the form's fields. */
export function importErrorInWords(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(
    /(^|\b\w+ )?--(config|name|tokenizer|fp16)\b(?: DIR)?/g,
    (_, before: string | undefined, option: string) =>
      before ? `${before}the ${fieldOfOption[option]} field` : fieldOfOption[option],
  );
}
