// The engine's plain-data surface: what a job asks for, what it reports while running, and what it returns.
import type { ExecutionPath } from './acceleration/execution-path';
import type { MaskImage } from './masked-latents';
import type { PreviewDecode } from './step-preview';
import type { JobTimings } from '../shared/generation';
import type { SchedulerId } from './schedulers/scheduler';

/** An init image for img2img: 8-bit RGB or RGBA rows, top to bottom (alpha is dropped, as PIL's convert('RGB')). */
export interface InitImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface GenerateParams {
  prompt: string;
  negative?: string;
  /** 0 … 2⁶⁴ − 1; torch's generator uses the low 32 bits. */
  seed: bigint;
  /** Default 20 (lcm: 4). */
  steps?: number;
  /** Classifier-free guidance applies when > 1. Default 7.5 (lcm: 1). */
  guidance?: number;
  /** Default: the model's scheduler_config.json class. */
  scheduler?: SchedulerId;
  /** Multiples of 8; default the model's native size. */
  width?: number;
  height?: number;
  /** Images from one noise draw of shape [batch, …]. Default 1. */
  batch?: number;
  /** width × height, except with inpaintArea 'masked' (any size up to the largest side). */
  initImage?: InitImage;
  /** img2img only, 0 < strength ≤ 1. Default 0.75. */
  strength?: number;
  /**
   * Inpainting (needs initImage): white = repaint, of the init image's size; grey levels blend (masked-latents.ts).
   * Only the repainted region leaves the init image's trajectory; the rest is pasted back after decoding.
   */
  mask?: MaskImage;
  /** The mask's Gaussian blur, σ in pixels. Default 4. */
  maskBlur?: number;
  /** Keep the decoded pixels outside the mask instead of pasting the init image's back. Default false. */
  keepDecoded?: boolean;
  /**
   * 'whole' (default) repaints at the image's own scale; 'masked' (A1111's "only masked") repaints the mask's
   * padded bounding box at the generation size and pastes it back (inpaint-crop.ts); the init image and mask may
   * then be of any size, and so is the result.
   */
  inpaintArea?: InpaintArea;
  /** 'masked' only: pixels of context around the mask's bounding box. Default 32. */
  inpaintPadding?: number;
  /** Textual-inversion embeddings usable in the prompts by their trigger words. */
  concepts?: ConceptVectors[];
  /**
   * Run exactly this way or fail (reproducing an image): the provider, precision and optimiser version it was made
   * with; the exact CPU path is { provider: 'cpu', precision: 'model', optimizerVersion: null }. Absent: the engine's
   * provider choice.
   */
  execution?: ExecutionPath;
  /** LoRAs merged into the UNet and text encoder weights for this job, each with its strength. */
  loras?: LoraWeights[];
}

/** One tensor of a LoRA file, as float32 whatever its stored dtype. */
export interface LoraTensor {
  dims: number[];
  values: Float32Array;
}

/** A LoRA file's tensors and the strength to apply them with (A1111's `<lora:name:strength>`). */
export interface LoraWeights {
  name: string;
  /** The file's content hash: identifies the weights in caches and in the images' settings. */
  hash: string;
  strength: number;
  tensors: ReadonlyMap<string, LoraTensor>;
  /** The safetensors `__metadata__` (diffusers keeps PEFT's lora_alpha there). */
  metadata?: Record<string, unknown>;
}

/** One learned concept: `count` vectors of the text encoder's width, expanded from `trigger` (A1111 semantics). */
export interface ConceptVectors {
  trigger: string;
  /** The embedding file's content hash, when it came from the library (recorded with the images; unused here). */
  hash?: string;
  /** count × width, row-major. */
  vectors: Float32Array;
  count: number;
  width: number;
}

/** Everything needed to reproduce a job's pixels, with every default filled in. */
export interface ResolvedSettings {
  prompt: string;
  negative: string;
  seed: bigint;
  steps: number;
  guidance: number;
  scheduler: SchedulerId;
  width: number;
  height: number;
  batch: number;
  /** null for txt2img. */
  strength: number | null;
  /** Inpainting only: the mask's SHA-256 (of its grey levels, row by row) and how it was applied. */
  mask?: InpaintSettings;
  model: { name: string; hash: string };
  /** Present when LoRAs were merged, in the order given. */
  loras?: { name: string; hash: string; strength: number }[];
  /** Present only when the pixels did not come from the exact CPU path (a GPU provider, an optimised graph). */
  execution?: ExecutionPath;
}

export type InpaintArea = 'whole' | 'masked';

export interface InpaintSettings {
  hash: string;
  blur: number;
  keepDecoded: boolean;
  /** Present for 'masked' only, so that whole-image recipes stay as they were. */
  inpaintArea?: 'masked';
  inpaintPadding?: number;
}

export interface PreviewImage {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** How it was made, where a step previewer says: the VAE's decode, or a latent → RGB projection. */
  source?: 'decode' | 'projection';
}

export interface StepInfo {
  /** 1-based UNet evaluations done, of `total`. */
  step: number;
  total: number;
  elapsedMs: number;
  etaMs: number;
  /**
   * Present every `previewEvery` steps: the latents (all batch items) and an RGB preview of the first image's
   * predicted x̂₀ — image-sized when decoded, latent-sized when projected.
   */
  latents?: { data: Float32Array; dims: number[] };
  preview?: PreviewImage;
}

/** Where a job's time went; declared once in the contract, which carries it to the views. */
export type Timings = JobTimings;

export interface GeneratedImage {
  rgb: Uint8Array;
  width: number;
  height: number;
  seed: bigint;
  index: number;
}

export interface GenerateResult {
  images: GeneratedImage[];
  settings: ResolvedSettings;
  /** The execution provider that ran the UNet. */
  provider: string;
  timings: Timings;
  /** What the user should know about how the job was run (e.g. a long prompt cut for a fixed-length UNet). */
  warnings: string[];
}

/** Work before the first step that can take a while: optimising the model for a GPU provider, timing providers. */
export interface PrepareInfo {
  stage: string;
  /** 0 … 1 within the stage. */
  fraction: number;
}

export interface GenerateOptions {
  onStep?: (info: StepInfo) => void;
  onPrepare?: (info: PrepareInfo) => void;
  signal?: AbortSignal;
  /** Attach latents + preview to every n-th step's report (0 or absent: never). */
  previewEvery?: number;
  /**
   * How previews are made: 'auto' (default) decodes x̂₀ with the VAE as often as 15 % of the job allows and
   * projects it to RGB otherwise; 'always' decodes every preview; 'never' always projects.
   */
  previewDecode?: PreviewDecode;
}
