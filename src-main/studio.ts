// Composition root: builds the studio's services for one data directory and wires them to the contract's handlers.
// The Electron shell, the headless server and the CLI all start here.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from './app-paths';
import { createConceptLibrary, type ConceptLibrary } from './concepts/concept-library';
import { previewMaker, vocabularyCheck } from './concepts/concept-studio';
import { conceptHandlers } from './concepts/handlers';
import { createLoraLibrary, loraHandlers, type LoraLibrary } from './loras';
import { createEngine } from './engine/engine';
import { listStoredFigures } from './engine';
import type { ProviderChoiceInfo } from './shared/system-types';
import { listAvailableProviders, resolveProviders, type ProviderPreference } from './engine/execution-providers';
import { createInlineWorker } from './engine/jobs/inline-worker';
import { createJobQueue, type JobQueue, type WorkerLike } from './engine/jobs/job-queue';
import type { WorkerInit } from './engine/jobs/worker-protocol';
import { createEventHub, type EventHub } from './event-hub';
import { openStudioDb, refreshStatistics, studioDbPath, type StudioDb } from './gallery/database';
import { createGallery, type Gallery } from './gallery/gallery';
import { galleryHandlers } from './gallery/handlers';
import type { GalleryGenerate } from './gallery/reproduce';
import { createGenerationService } from './generation/generation-service';
import { generationHandlers } from './generation/handlers';
import { modelHandlers } from './models/handlers';
import { importedLocations } from './models/imported-locations';
import { createModelLibrary, type ModelLibrary } from './models/model-library';
import { createModelManager } from './models/model-manager';
import { createHubDownloads, type HubDownloads } from './models/hub/hub-downloads';
import type { RetryPolicy } from './models/hub/file-download';
import { conceptSection, loraSection } from './models/model-export';
import type { Handlers } from './shared/contract';
import { defaultSettings, type Settings } from './shared/settings';
import { createCanvasStore } from './system/canvas-store';
import { canvasHandlers, settingsHandlers, systemHandlers } from './system/handlers';
import { createSettingsStore, type SettingsStore } from './system/settings-store';
import type { DesktopActions } from './system/desktop';
import { createSystemInfo } from './system/system-info';

// What entries use of the services beyond a built studio: the CLI's commands that take a model folder rather than
// an installed model (generate, tokenize, reproduce --model) drive an engine of their own, and --concept reads a file
// without importing it. Exported here so that transports reach services through this one module.
export { createEngine, type Engine } from './engine/engine';
export type { ConceptVectors, GenerateParams, GenerateResult, LoraWeights, StepInfo } from './engine/engine-types';
export { MAX_LORA_BYTES, readLoraFile } from './loras';
export { providerPreferences, type ProviderPreference } from './engine/execution-providers';
export { OPTIMIZER_VERSION, optimizeModelFolder, type OptimizeReport } from './engine/graph-optimizer';
export { MAX_CONCEPT_BYTES, readConceptFile } from './concepts/concept-file';
export { lowerServerPriority } from './background-priority';
export type { GalleryGenerate } from './gallery/reproduce';
export type { SavedImage } from './gallery/save';
export type { DesktopActions } from './system/desktop';
export { checkCudaProvider, installCudaProvider, type CudaProviderDeps, type CudaProviderReport } from './system';

export interface StudioOptions {
  dataDir: string;
  appVersion: string;
  bundledModelsDir: string;
  electronVersion?: string | null;
  /** `thread` (default): the engine runs in a worker thread (dist-main/engine-worker.js); `inline`: on this thread. */
  engineMode?: 'thread' | 'inline';
  providers?: ProviderPreference;
  threads?: number;
  log?: (message: string) => void;
  /** Check the gallery's files against its rows after opening (default true; one-shot CLI commands skip it). */
  checkGallery?: boolean;
  /** Make a preview image for each imported concept (default true). */
  conceptPreviews?: boolean;
  /**
   * How the gallery's reproduce runs a generation. Default: a job on the studio's queue with an installed model;
   * the CLI passes one that also takes a model folder and reports progress on the terminal.
   */
  reproduceWith?: GalleryGenerate;
  /** The file manager and native folder picker, from the desktop app; the server and the CLI have none. */
  desktop?: DesktopActions;
  /** A Hub access token for gated or private repositories. Default: HF_TOKEN (or HUGGING_FACE_HUB_TOKEN). */
  hubToken?: string;
  /** How often a cut download is tried again (tests shorten the waits). */
  hubRetry?: RetryPolicy;
}

export interface Studio {
  readonly dataDir: string;
  readonly handlers: Handlers;
  readonly events: EventHub;
  readonly models: ModelLibrary;
  readonly gallery: Gallery;
  readonly concepts: ConceptLibrary;
  readonly loras: LoraLibrary;
  readonly settings: SettingsStore;
  readonly downloads: HubDownloads;
  close(): Promise<void>;
}

/** The models of a data directory: the app's bundled ones, those under `models/` and the imported locations. */
export function openModelLibrary(dataDir: string, bundledModelsDir: string, db?: StudioDb): ModelLibrary {
  const userDir = path.join(path.resolve(dataDir), 'models');
  if (db) {
    const settings = createSettingsStore(db);
    const locations = importedLocations(db);
    return createModelLibrary({
      bundledDir: bundledModelsDir,
      userDir,
      importedDirs: () => locations.list(),
      chosenDefault: () => settings.get().defaultModel,
    });
  }
  // Without a database open (one-shot CLI commands): what it holds now, read once; nothing is created.
  const stored = readStored(dataDir, (opened) => ({
    dirs: importedLocations(opened).list(),
    chosen: createSettingsStore(opened).get().defaultModel,
  }));
  return createModelLibrary({
    bundledDir: bundledModelsDir,
    userDir,
    importedDirs: () => stored?.dirs ?? [],
    chosenDefault: () => stored?.chosen ?? null,
  });
}

/** The data directory's stored settings (the defaults where it has no database yet). */
export function storedSettings(dataDir: string): Settings {
  return readStored(dataDir, (db) => createSettingsStore(db).get()) ?? defaultSettings;
}

function readStored<T>(dataDir: string, read: (db: StudioDb) => T): T | null {
  if (!existsSync(studioDbPath(path.resolve(dataDir)))) return null;
  const db = openStudioDb(path.resolve(dataDir));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** `auto`'s stored measurements as system.info shows them. */
function providerChoices(cacheDir: string): ProviderChoiceInfo[] {
  return listStoredFigures(cacheDir).map((f) => ({
    modelHash: f.modelHash,
    modelName: f.modelName ?? null,
    chosen: f.chosen,
    reason: f.reason,
    measuredAt: f.measuredAt,
    size: f.size,
    measurements: f.measurements,
  }));
}

export function createStudio(options: StudioOptions): Studio {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const log = options.log ?? (() => {});
  const events = createEventHub();
  const db = openStudioDb(dataDir, { log });
  const settings = createSettingsStore(db);
  const models = openModelLibrary(dataDir, options.bundledModelsDir, db);
  const systemInfo = createSystemInfo({
    appVersion: options.appVersion,
    dataDir,
    electronVersion: options.electronVersion ?? null,
    models,
    executionProviders: listAvailableProviders,
    providerChoices: () => providerChoices(path.join(dataDir, 'cache')),
    desktop: options.desktop !== undefined,
  });

  // Options (the CLI's) win over the stored settings, which are read each time a worker starts.
  const providerPreference = () => options.providers ?? settings.get().providers;
  const init = (): WorkerInit => ({
    providers: providerPreference(),
    threads: options.threads ?? (settings.get().threads || undefined),
    cacheDir: path.join(dataDir, 'cache'),
  });
  const spawn = (): WorkerLike =>
    options.engineMode === 'inline'
      ? createInlineWorker(init())
      : (new Worker(path.join(appRoot(), 'dist-main', 'engine-worker.js'), { workerData: init() }) as WorkerLike);
  // The worker (and its ONNX Runtime sessions) starts with the first job, not with the app.
  let queue: JobQueue | null = null;
  const jobs = (): JobQueue =>
    (queue ??= createJobQueue({
      spawn,
      onEvent: (e) => {
        generation.handleJobEvent(e);
        if (restartPending && (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled'))
          setTimeout(restartWhenIdle, 0);
      },
      log,
    }));
  // A provider or thread change applies to the next job: the worker stops once idle and the next job starts a new
  // one with the stored settings.
  let restartPending = false;
  function restartWhenIdle(): void {
    restartPending = queue !== null && queue.active().length > 0;
    if (!restartPending) void queue?.close();
  }
  settings.onChange((key) => {
    if (key === 'providers' || key === 'threads') restartWhenIdle();
  });
  const inspector = createEngine({ providers: 'cpu', log });
  const gallery = createGallery({
    db,
    dataDir,
    events,
    log,
    generate: options.reproduceWith ?? ((request) => generation.run(request)),
  });
  const generation = createGenerationService({
    dataDir,
    models,
    queue: jobs,
    inspector,
    events,
    save: gallery.save,
    concepts: () => concepts.enabledVectors(),
    loras: (uses) => loras.weightsFor(uses),
    log,
  });
  const loras = createLoraLibrary({ db, dataDir });
  const concepts = createConceptLibrary({
    db,
    dataDir,
    isVocabularyWord: vocabularyCheck(inspector, models),
    makePreview:
      options.conceptPreviews === false
        ? undefined
        : previewMaker({ dataDir, models, run: (request) => generation.run(request) }),
    log,
  });
  // The startup check runs after the studio is up: opening and the first page do not wait for it.
  const reconciled = (options.checkGallery === false ? Promise.resolve(null) : gallery.reconcile()).then(
    (r) =>
      r &&
      log(
        `gallery check: ${r.indexed.length} indexed, ${r.missing.length} missing, ${r.tempFilesRemoved} temp files removed`,
      ),
    (error: unknown) => log(`gallery check failed: ${String(error)}`),
  );

  const modelManager = createModelManager({
    library: models,
    locations: importedLocations(db),
    storeDefault: (id) => settings.set('defaultModel', id),
    provider: () => resolveProviders(providerPreference())[0],
    exportSections: ({ textWidth }) => [
      conceptSection(concepts.list(), textWidth),
      loraSection(loras.list(), textWidth),
    ],
    appVersion: options.appVersion,
    onImportProgress: (progress) => events.emit('models.importProgress', progress),
  });

  const downloads = createHubDownloads({
    dataDir,
    library: models,
    events,
    endpoint: () => settings.get().hubEndpoint,
    token: () => options.hubToken ?? (process.env.HF_TOKEN || process.env.HUGGING_FACE_HUB_TOKEN),
    retry: options.hubRetry,
    // A repository holding one checkpoint file: downloaded (hash-checked), then converted like `models import`.
    importCheckpoint: async (file, name) => void (await modelManager.importCheckpoint({ path: file, name })),
    log,
  });

  const handlers: Handlers = {
    ...systemHandlers({ systemInfo, dataDir, desktop: options.desktop }),
    ...modelHandlers(modelManager, downloads, options.desktop),
    ...generationHandlers(generation),
    ...galleryHandlers(gallery, (request) => generation.submit(request), options.desktop),
    ...conceptHandlers(concepts),
    ...loraHandlers(loras),
    ...canvasHandlers(createCanvasStore(dataDir, log)),
    ...settingsHandlers({
      store: settings,
      cacheDir: path.join(dataDir, 'cache'),
      modelId: (idOrName) => models.resolve(idOrName)?.id,
    }),
  };

  return {
    dataDir,
    handlers,
    events,
    models,
    gallery,
    concepts,
    loras,
    settings,
    downloads,
    async close() {
      await downloads.close();
      await queue?.close();
      await inspector.dispose();
      await reconciled;
      refreshStatistics(db);
      db.close();
    },
  };
}
