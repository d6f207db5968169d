// The one contract between the renderer and the main process: every callable method and pushed event, declared once.
// Environment-free on purpose (no electron, no node:*, no DOM): the renderer, preload, IPC handlers, HTTP server and
// CLI all derive from this file.
import { z } from 'zod';
import { canvasImageSchema, storedCanvasSchema, type CanvasLoadResult } from './canvas';
import {
  conceptImportSchema,
  conceptRefSchema,
  conceptRenameSchema,
  conceptRoleSchema,
  type ConceptInfo,
} from './concepts';
import type { ErrorCode } from './errors';
import { loraImportSchema, loraRefSchema, type LoraInfo } from './loras';
import {
  boardCreateSchema,
  boardRefSchema,
  boardRenameSchema,
  galleryImportSchema,
  galleryInputs,
  galleryQuerySchema,
  gallerySearchSchema,
  galleryUpdateSchema,
  galleryVarySchema,
  pngInfoSchema,
  presetRefSchema,
  presetSaveSchema,
  type Board,
  type ExportResult,
  type ExportToResult,
  type GalleryConcept,
  type GalleryDetail,
  type GalleryEvents,
  type GalleryFacets,
  type GalleryImageRef,
  type GalleryPage,
  type GalleryRecord,
  type ImportSummary,
  type PngInfo,
  type Preset,
  type ReproduceResult,
  type ReusableSettings,
} from './gallery';
import { generateRequestSchema, type JobEvents, type ModelInfo } from './generation';
import type { ModelSummary, SystemInfo } from './system-types';
import {
  downloadRefSchema,
  modelAddSchema,
  modelDetailsSchema,
  modelDownloadSchema,
  modelExportSchema,
  modelRefSchema,
  modelRemoveSchema,
  type DownloadStarted,
  type ModelExportResult,
  type ModelDetails,
  type ModelEvents,
  modelImportSchema,
  type ModelImportProgress,
} from './models';
import { settingsSetSchema, type CacheReport, type Settings } from './settings';
import { plotSaveSchema, type SavedPlot } from './xy-plot';

interface MethodSpec<I extends z.ZodType, R> {
  input: I;
  errors: readonly ErrorCode[];
  /** Phantom: carries the result type; never read at run time. */
  result?: R;
}

function method<R>() {
  return <I extends z.ZodType>(input: I, errors: readonly ErrorCode[] = []): MethodSpec<I, R> => ({
    input,
    errors,
  });
}

const noInput = z.object({}).strict();
const modelRef = z.object({ model: z.string().min(1).max(200) }).strict();
const jobRef = z.object({ jobId: z.string().uuid() }).strict();

export const methods = {
  'system.info': method<SystemInfo>()(noInput),
  'models.list': method<ModelSummary[]>()(noInput),
  'models.describe': method<ModelInfo>()(modelRef, ['not_found', 'model_invalid']),
  'generate.submit': method<{ jobId: string; seed: string }>()(generateRequestSchema, [
    'invalid_input',
    'not_found',
    'model_invalid',
    'busy',
  ]),
  'generate.cancel': method<{ cancelled: boolean }>()(jobRef),
  'gallery.list': method<GalleryPage>()(galleryQuerySchema, ['invalid_input']),
  'gallery.search': method<GalleryPage>()(gallerySearchSchema, ['invalid_input']),
  'gallery.get': method<GalleryDetail>()(galleryInputs.idRef, ['not_found']),
  'gallery.update': method<GalleryRecord[]>()(galleryUpdateSchema, ['not_found']),
  'gallery.delete': method<{ trashed: number[] }>()(galleryInputs.idsRef),
  'gallery.restore': method<{ restored: number[] }>()(galleryInputs.idsRef),
  'gallery.emptyTrash': method<{ removed: number[] }>()(noInput),
  /** The record's settings as a generate.submit input (reuse settings). */
  'gallery.settings': method<ReusableSettings>()(galleryInputs.idRef, ['not_found']),
  /** Submits the record's settings again with another seed (random when none is given). */
  'gallery.vary': method<{ jobId: string; seed: string }>()(galleryVarySchema, ['not_found', 'invalid_input', 'busy']),
  'gallery.reproduce': method<ReproduceResult>()(galleryInputs.idRef, [
    'not_found',
    'invalid_input',
    'model_invalid',
    'generation_failed',
    'busy',
    'engine_crashed',
  ]),
  'gallery.import': method<ImportSummary>()(galleryImportSchema),
  /** Writes the selection to exports/<time>/ in the data directory. */
  'gallery.export': method<ExportResult>()(galleryInputs.idsRef, ['not_found']),
  'presets.list': method<Preset[]>()(noInput),
  'presets.save': method<Preset>()(presetSaveSchema),
  'presets.apply': method<{ settings: ReusableSettings; concepts: GalleryConcept[] }>()(presetRefSchema, ['not_found']),
  'presets.delete': method<{ deleted: boolean }>()(presetRefSchema),
  'boards.list': method<Board[]>()(noInput),
  'boards.create': method<Board>()(boardCreateSchema, ['conflict']),
  'boards.rename': method<Board>()(boardRenameSchema, ['not_found', 'conflict']),
  'boards.delete': method<{ deleted: boolean }>()(boardRefSchema),
  'concepts.list': method<ConceptInfo[]>()(noInput),
  /** A concept file's bytes; a bad file is `invalid_input` with `details.problem` (truncated, unsafe, sdxl, …). */
  'concepts.import': method<ConceptInfo>()(conceptImportSchema, ['invalid_input', 'conflict']),
  'concepts.rename': method<ConceptInfo>()(conceptRenameSchema, ['not_found', 'conflict']),
  'concepts.enable': method<ConceptInfo>()(conceptRefSchema, ['not_found']),
  'concepts.disable': method<ConceptInfo>()(conceptRefSchema, ['not_found']),
  'concepts.setRole': method<ConceptInfo>()(conceptRoleSchema, ['not_found']),
  /** Moves the concept to the trash; `concepts.restore` brings it back (also after a restart). */
  'concepts.delete': method<{ deleted: boolean }>()(conceptRefSchema),
  'concepts.restore': method<ConceptInfo>()(conceptRefSchema, ['not_found', 'conflict']),
  'loras.list': method<LoraInfo[]>()(noInput),
  /** A .safetensors LoRA's bytes; a malformed file, or one that is no LoRA, is `invalid_input` naming the file. */
  'loras.import': method<LoraInfo>()(loraImportSchema, ['invalid_input', 'conflict']),
  'loras.delete': method<{ deleted: boolean }>()(loraRefSchema),
  /** A PNG's settings, in any dialect the gallery imports, read without importing it (PNG info). */
  'gallery.readPng': method<PngInfo>()(pngInfoSchema, ['invalid_input']),
  /** Every installed model (or the one named) in full; a broken folder lists its problems. */
  'models.details': method<ModelDetails[]>()(modelDetailsSchema, ['not_found']),
  /**
   * A model folder on the studio's machine, remembered where it lies. Not a folder: `invalid_input`; a folder that
   * is not a usable model: `model_invalid` with `details.problems` naming every missing or broken file.
   */
  'models.add': method<ModelDetails>()(modelAddSchema, ['invalid_input', 'model_invalid', 'conflict']),
  /** A single-file checkpoint (.safetensors, .ckpt) converted into a model folder in the data directory. */
  'models.import': method<ModelDetails>()(modelImportSchema, ['invalid_input', 'model_invalid', 'conflict']),
  /** An imported location is forgotten; a folder in the data directory is deleted only with `deleteFiles`. */
  'models.remove': method<{ removed: string; deletedFiles: boolean }>()(modelRemoveSchema, [
    'not_found',
    'invalid_input',
  ]),
  'models.setDefault': method<ModelSummary[]>()(modelRefSchema, ['not_found']),
  /** The library as the folders are now (models copied into models/ while the studio runs appear). */
  'models.rescan': method<ModelSummary[]>()(noInput),
  'settings.get': method<Settings>()(noInput),
  /** One known key with a value of its type; the stored settings after the change. */
  'settings.set': method<Settings>()(settingsSetSchema, ['invalid_input', 'not_found']),
  'settings.cacheSize': method<CacheReport>()(noInput),
  /** Empties the data directory's cache/; reports what was freed. */
  'settings.clearCache': method<CacheReport>()(noInput),
  /** How many records a gallery.list query matches (its cursor, limit and sort aside). */
  'gallery.count': method<{ count: number }>()(galleryQuerySchema, ['invalid_input']),
  'gallery.facets': method<GalleryFacets>()(noInput),
  // Desktop actions: the desktop app only (system.info's `desktop`); elsewhere they fail with `unsupported`.
  /** Shows the record's image file in the system's file manager. */
  'gallery.reveal': method<{ revealed: number }>()(galleryInputs.idRef, ['not_found', 'unsupported']),
  /** Asks for a folder with the native picker and writes the selection there as gallery.export does. */
  'gallery.exportTo': method<ExportToResult>()(galleryInputs.idsRef, ['not_found', 'unsupported']),
  /** Opens the data directory in the system's file manager. */
  'system.openDataDir': method<{ opened: boolean }>()(noInput, ['unsupported']),
  /** The native folder picker, for models.add: the folder the user chose, or null when they cancelled. */
  'models.pickFolder': method<{ path: string | null }>()(noInput, ['unsupported']),
  /** The native file picker, for models.import: the checkpoint the user chose, or null when they cancelled. */
  'models.pickCheckpoint': method<{ path: string | null }>()(noInput, ['unsupported']),
  /**
   * Starts a download of a diffusers ONNX repository from the Hub (the `hubEndpoint` setting): the repository is read
   * first (a missing repo, a gated one, an unreachable Hub or a repo with no ONNX pipeline fail here); the files then
   * arrive with `models.download.*` events, and the model is installed in the data directory's models/.
   */
  'models.download': method<DownloadStarted>()(modelDownloadSchema, [
    'invalid_input',
    'not_found',
    'conflict',
    'unsupported',
    'download_failed',
  ]),
  /** Stops a download; its partial files stay in the data directory, and the next download of it resumes them. */
  'models.downloadCancel': method<{ cancelled: boolean }>()(downloadRefSchema),
  /** Writes an installed model as a diffusers ONNX folder (OnnxStableDiffusionPipeline) to an empty or new folder. */
  'models.export': method<ModelExportResult>()(modelExportSchema, [
    'not_found',
    'invalid_input',
    'conflict',
    'model_invalid',
  ]),
  /** An X/Y plot's grid PNG with its axes, base settings and cell records: written to plots/ in the data directory. */
  'gallery.savePlot': method<SavedPlot>()(plotSaveSchema, ['invalid_input', 'not_found']),
  /** The sketch canvas (layers, mask, undo history) as last saved; an unreadable one is set aside and reported. */
  'canvas.load': method<CanvasLoadResult>()(noInput),
  /** Stores one picture of the canvas (a base layer) under its key; a document naming it may then be saved. */
  'canvas.putImage': method<{ bytes: number }>()(canvasImageSchema, ['invalid_input']),
  /** Replaces the stored canvas, written atomically; pictures it no longer names are deleted. */
  'canvas.save': method<{ bytes: number }>()(storedCanvasSchema, ['invalid_input']),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodResult<M extends MethodName> = NonNullable<Methods[M]['result']>;

/** The main-process side: one handler per method, or the build fails. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodResult<M>> | MethodResult<M>;
};

/** Events the main process pushes to every open view. */
export interface Events extends JobEvents, GalleryEvents, ModelEvents {
  /** A finished job's images, saved in the gallery: each carries its gallery id. */
  'job.done': Omit<JobEvents['job.done'], 'images'> & { images: GalleryImageRef[]; concepts: GalleryConcept[] };
  'system.notice': { level: 'info' | 'warning' | 'error'; message: string };
  'models.importProgress': ModelImportProgress;
}
export type EventName = keyof Events;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** What the renderer sees, whatever the transport (Electron IPC or HTTP + WebSocket). */
export interface StudioApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodResult<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Limits shared by both transports. */
export const limits = {
  /** Room for an init image (base64 PNG) in generate.submit. */
  maxBodyBytes: 32 * 1024 * 1024,
  /** No method's input nests this deep; deeper input is refused before validation walks it. */
  maxInputDepth: 64,
  /** Jobs queued or running at once; one more is refused with `busy` rather than grow without bound. */
  maxQueuedJobs: 32,
  /** Open event sockets (the UI holds one per view). */
  maxEventSockets: 32,
  /** Clients only listen on the event socket: a larger message closes it. */
  maxSocketMessageBytes: 64 * 1024,
} as const;
