// The main workspace: the chosen model, the form, submitting and cancelling jobs, and what to do with results.
import type { ReusableSettings } from '../../src-main/shared/gallery';
import type { GenerateRequest, ModelInfo } from '../../src-main/shared/generation';
import { randomSeed } from '../../src-main/shared/random-seed';
import type { SchedulerIdValue } from '../../src-main/shared/schedulers';
import { ApiError } from './api';
import { contextSlot } from './context';
import { GenerateForm } from './generate-form.svelte';
import { JobTracker, type ActiveJob } from './jobs.svelte';
import { ResultsState, type ResultImage } from './results.svelte';
import type { SketchState } from './sketch-state.svelte';
import { describeError, type StudioState } from './studio-state.svelte';
import { XyPlotForm, XyPlotRun } from './xy-plot-state.svelte';

export type Tab = 'results' | 'sketch' | 'gallery' | 'concepts' | 'loras' | 'models';

export class GenerateState {
  readonly form = new GenerateForm();
  readonly results = new ResultsState();
  readonly jobs: JobTracker;
  readonly plotForm = new XyPlotForm();
  /** The X/Y plot of this session (the latest one). */
  plot = $state<XyPlotRun | null>(null);
  tab = $state<Tab>('results');
  model = $state<{ status: 'none' | 'loading' | 'ready' | 'invalid'; info: ModelInfo | null }>({
    status: 'none',
    info: null,
  });
  /** The seed of the last job submitted here (what a random seed turned out to be). */
  lastSeed = $state<string | null>(null);
  submitting = $state(false);
  /** The stored default scheduler, chosen over the model's own when a model's defaults apply; null: the model's. */
  preferredScheduler: SchedulerIdValue | null = null;

  readonly models = $derived.by(() => this.studio.info?.models ?? []);
  /** Why Generate cannot run now, in words for the hint under the button; null when it can. */
  readonly blocked = $derived.by(() => this.whyBlocked());

  constructor(
    private readonly studio: StudioState,
    private readonly sketch: SketchState,
  ) {
    this.jobs = new JobTracker(studio.api, {
      done: (event, job) => {
        const image = event.images[0];
        if (image) this.plot?.settle(event.jobId, { id: image.id, media: image.media });
        const watching =
          (this.results.view === 'progress' && this.jobs.active.length > 0) || this.results.view === 'plot';
        this.results.add(event, job.mode, (media) => studio.api.mediaUrl(media), watching);
        for (const warning of event.warnings) studio.notify({ level: 'warning', message: warning });
      },
      failed: (event) => {
        this.plot?.settle(event.jobId, { error: event.error.message });
        studio.notify({ level: 'error', message: `Generation failed: ${event.error.message} (${event.error.code})` });
      },
      cancelled: (event) => {
        if (this.plot?.owns(event.jobId)) return this.plot.settle(event.jobId, 'cancelled');
        studio.notify({ level: 'info', message: `Cancelled${event.step > 0 ? ` after step ${event.step}` : ''}` });
      },
    });
    studio.api.on('gallery.removed', ({ ids }) => this.results.drop(ids));
  }

  /** The Results strip is the gallery's latest images, so it outlives a reload and a restart. */
  async loadLatest(): Promise<void> {
    try {
      const page = await this.studio.api.call('gallery.list', { limit: 48 });
      this.results.restore(page.items, (media) => this.studio.api.mediaUrl(media));
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not read the latest images: ${describeError(error)}` });
    }
  }

  /** After system.info: the remembered model if it is still installed, else the default one. */
  async start(): Promise<void> {
    const models = this.models;
    const chosen =
      models.find((m) => m.id === this.form.model) ??
      models.find((m) => m.default) ??
      models.find((m) => m.bundled) ??
      models[0];
    if (!chosen) {
      this.model = { status: 'none', info: null };
      return;
    }
    await this.chooseModel(chosen.id, !(this.form.restored && chosen.id === this.form.model));
  }

  async chooseModel(id: string, applyDefaults = true): Promise<void> {
    this.form.model = id;
    this.model = { status: 'loading', info: null };
    try {
      const info = await this.studio.api.call('models.describe', { model: id });
      if (this.form.model !== id) return;
      this.model = { status: 'ready', info };
      if (applyDefaults) {
        this.form.applyModelDefaults(info);
        if (this.preferredScheduler) this.form.assign({ scheduler: this.preferredScheduler });
      }
      if (!info.img2img) this.form.mode = 'txt2img';
    } catch (error) {
      if (this.form.model !== id) return;
      this.model = { status: 'invalid', info: null };
      this.studio.notify({ level: 'error', message: `Cannot use this model: ${describeError(error)}` });
    }
  }

  async submit(): Promise<void> {
    if (this.blocked || this.submitting) return;
    const img2img = this.form.mode === 'img2img';
    const request = this.baseRequest();
    if (!request) return;
    const { width, height, batch, steps } = this.form;
    this.form.serverErrors = {};
    this.submitting = true;
    try {
      await this.jobs.submit(
        () => this.studio.api.call('generate.submit', request),
        (reply) => {
          this.lastSeed = reply.seed;
          return {
            id: reply.jobId,
            seed: reply.seed,
            mode: img2img ? 'img2img' : 'txt2img',
            width,
            height,
            batch,
            total: steps,
          };
        },
      );
      this.tab = 'results';
      this.results.view = 'progress';
    } catch (error) {
      this.form.serverErrors = fieldErrors(error);
      this.studio.notify({ level: 'error', message: `Could not start: ${describeError(error)}` });
    } finally {
      this.submitting = false;
    }
  }

  /** The form's settings as a job request, used by Generate and as a plot's base: in img2img the sketch's layers are
   * flattened only now (they stay apart while painting) and a painted mask makes the job inpaint. Null, after saying
   * why, when the sketch cannot be used yet. */
  private baseRequest(): GenerateRequest | null {
    if (this.form.mode !== 'img2img') return this.form.toRequest(undefined, this.sketch.origin ?? undefined);
    this.sketch.resizeTo({ width: this.form.width, height: this.form.height });
    if (this.sketch.pendingResize) {
      this.tab = 'sketch';
      this.studio.notify({ level: 'warning', message: 'Choose how the sketch fits the new size first' });
      return null;
    }
    let initImage: string;
    let mask: string | null;
    try {
      initImage = this.sketch.initImage();
      mask = this.sketch.maskPng();
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not read the sketch: ${describeError(error)}` });
      return null;
    }
    return {
      ...this.form.toRequest(initImage, this.sketch.origin ?? undefined),
      // With a mask the job inpaints: white is repainted, the rest of the init image is kept.
      ...(mask !== null ? { mask: { pngBase64: mask }, maskBlur: this.sketch.maskBlur } : {}),
    };
  }

  /** Plans the X/Y plot from the form and its axes and starts queueing its jobs; the error in words otherwise. */
  async startPlot(): Promise<string | null> {
    if (this.blocked) return this.blocked;
    if (this.plot && !this.plot.finished) return 'An X/Y plot is still running: cancel it or let it finish first';
    const base = this.baseRequest();
    if (!base) return 'The sketch could not be read';
    const sharedSeed = randomSeed().toString();
    const planned = this.plotForm.plan(base, sharedSeed);
    if (!planned.ok) return planned.error;
    const { api } = this.studio;
    this.plot = new XyPlotRun(
      planned.plan,
      {
        model: this.model.info?.name ?? base.model ?? '',
        prompt: base.prompt,
        negative: base.negative ?? '',
        seed: String(base.seed ?? sharedSeed),
        steps: base.steps ?? this.form.steps,
        guidance: base.guidance ?? this.form.guidance,
        scheduler: base.scheduler ?? this.form.scheduler,
        width: this.form.width,
        height: this.form.height,
        strength: base.initImage ? (base.strength ?? null) : null,
      },
      {
        submit: (request) =>
          this.jobs.submit(
            () => api.call('generate.submit', request),
            (reply) => ({
              id: reply.jobId,
              seed: reply.seed,
              mode: request.initImage ? 'img2img' : 'txt2img',
              width: this.form.width,
              height: this.form.height,
              batch: 1,
              total: request.steps ?? this.form.steps,
            }),
          ),
        cancel: async (jobId) => void (await api.call('generate.cancel', { jobId })),
        savePlot: (input) => api.call('gallery.savePlot', input),
        mediaUrl: (media) => api.mediaUrl(media),
      },
    );
    this.tab = 'results';
    this.results.view = 'plot';
    void this.plot.pump();
    return null;
  }

  async cancel(job: ActiveJob | null = this.jobs.current): Promise<void> {
    if (!job || job.cancelling) return;
    job.cancelling = true;
    try {
      const { cancelled } = await this.studio.api.call('generate.cancel', { jobId: job.id });
      if (!cancelled) job.cancelling = false;
    } catch (error) {
      job.cancelling = false;
      this.studio.notify({ level: 'error', message: `Could not cancel: ${describeError(error)}` });
    }
  }

  reuseSettings(result: ResultImage): void {
    const model = this.models.find((m) => m.name === result.settings.model.name);
    this.form.applySettings(result.settings, model?.id ?? null);
    if (model && model.id !== this.model.info?.id) void this.chooseModel(model.id, false);
  }

  reuseSeed(result: ResultImage): void {
    this.form.useSeed(result.seed);
  }

  /** Loads a result into the sketch at its own size and switches to img2img. */
  async sketchFrom(result: ResultImage): Promise<void> {
    try {
      await this.sketch.startFrom(result.url, result.id, { width: result.width, height: result.height });
      this.form.assign({ width: result.width, height: result.height });
      if (this.model.info?.img2img) this.form.mode = 'img2img';
      this.tab = 'sketch';
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not load the image: ${describeError(error)}` });
    }
  }

  /** One setting of a gallery record (or a PNG's) into the form, leaving the rest as it is. */
  useSetting(name: SettingName, settings: ReusableSettings): void {
    const { form } = this;
    switch (name) {
      case 'prompt':
        return void (form.prompt = settings.prompt);
      case 'negative':
        return void (form.negative = settings.negative);
      case 'seed':
        if (settings.seed !== undefined) form.useSeed(settings.seed);
        return;
      case 'size':
        if (settings.width !== undefined && settings.height !== undefined)
          form.assign({ width: settings.width, height: settings.height });
        return;
      case 'model': {
        const model = this.models.find((m) => m.name === settings.model || m.id === settings.model);
        if (model && model.id !== this.form.model) void this.chooseModel(model.id, false);
        if (!model && settings.model !== undefined)
          this.studio.notify({ level: 'warning', message: `Model ${settings.model} is not installed` });
        return;
      }
      default:
        if (settings[name] !== undefined) form.assign({ [name]: settings[name] });
    }
  }

  /**
   * "Use these settings": everything into the form; an img2img record brings its mode, strength and starting
   * picture (into the sketch, remembering `parent` as where it came from).
   */
  async useSettings(settings: ReusableSettings, parent?: number): Promise<void> {
    for (const name of settingNames) this.useSetting(name, settings);
    this.form.batch = settings.batch;
    this.form.loras = (settings.loras ?? []).map((l) => ({ ...l }));
    if (!settings.initImage) {
      this.form.mode = 'txt2img';
      return;
    }
    try {
      await this.sketch.startFrom(`data:image/png;base64,${settings.initImage.pngBase64}`, parent ?? null, {
        width: this.form.width,
        height: this.form.height,
      });
      this.form.mode = 'img2img';
      this.tab = 'sketch';
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not load the starting picture: ${describeError(error)}` });
    }
  }

  /** The gallery image (by id and media URL) as the sketch's picture, for img2img from it. */
  async sketchOver(id: number, url: string, width: number, height: number): Promise<void> {
    try {
      await this.sketch.startFrom(url, id, { width, height });
      this.form.assign({ width, height });
      if (this.model.info?.img2img !== false) this.form.mode = 'img2img';
      this.tab = 'sketch';
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not load the image: ${describeError(error)}` });
    }
  }

  /** The record again with a new random seed; its results arrive like any job's, as children of the record. */
  async vary(id: number, settings: ReusableSettings): Promise<void> {
    try {
      await this.jobs.submit(
        () => this.studio.api.call('gallery.vary', { id }),
        (reply) => ({
          id: reply.jobId,
          seed: reply.seed,
          mode: settings.initImage ? 'img2img' : 'txt2img',
          width: settings.width ?? this.form.width,
          height: settings.height ?? this.form.height,
          batch: settings.batch,
          total: settings.steps ?? this.form.steps,
        }),
      );
      this.tab = 'results';
      this.results.view = 'progress';
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not vary: ${describeError(error)}` });
    }
  }

  private whyBlocked(): string | null {
    if (this.studio.connection !== 'ready') return 'Not connected to the studio';
    switch (this.model.status) {
      case 'none':
        return "No model installed: put a diffusers ONNX model folder in the data directory's models/";
      case 'loading':
        return 'Reading the model…';
      case 'invalid':
        return 'This model cannot be used: pick another';
    }
    if (this.form.mode === 'img2img' && !this.model.info?.img2img) return 'This model has no VAE encoder for img2img';
    const problems = Object.entries(this.form.problems);
    if (problems.length > 0) return problems.map(([field, problem]) => `${capitalise(field)} ${problem}`).join('; ');
    return null;
  }
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** invalid_input names the fields (zod issue paths) that the main process refused. */
function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'invalid_input') return {};
  const issues = (error.details as { issues?: { path: string[]; message: string }[] } | undefined)?.issues ?? [];
  return Object.fromEntries(issues.filter((i) => i.path.length > 0).map((i) => [i.path[0], i.message]));
}

/** The settings a record carries that can go into the form one by one. */
export const settingNames = [
  'model',
  'prompt',
  'negative',
  'seed',
  'steps',
  'guidance',
  'scheduler',
  'size',
  'strength',
] as const;
export type SettingName = (typeof settingNames)[number];

export const generateSlot = contextSlot<GenerateState>('GenerateState');
export const useGenerate = generateSlot.use;
