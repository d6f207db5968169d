// The one place that creates and runs ONNX Runtime sessions: provider fallback, error wrapping, time accounting.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelFolderError } from './engine-errors';
import { externalDataProblem } from './model-files';
import type { ProviderId } from './execution-providers';
import { identityModel, onnxElementTypes } from './acceleration/probe-model';

/** Plain tensors crossing the boundary; float16 travels as raw binary16 bit patterns (see tensor-convert.ts). */
export type PlainTensor =
  | { type: 'float32'; data: Float32Array; dims: readonly number[] }
  | { type: 'float16'; data: Uint16Array; dims: readonly number[] }
  | { type: 'int32'; data: Int32Array; dims: readonly number[] }
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] };

export interface ValueSpec {
  name: string;
  /** ONNX element type as ONNX Runtime names it ('float32', 'float16', 'int64', …); 'non-tensor' otherwise. */
  type: string;
  /** Fixed sizes as numbers, symbolic (dynamic) ones as their names. */
  shape: ReadonlyArray<number | string>;
}

export interface GraphSession {
  readonly file: string;
  readonly provider: ProviderId;
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  /** Milliseconds spent inside ONNX Runtime's run() over this session's life. */
  readonly runMs: number;
  run(feeds: Record<string, PlainTensor>, options?: RunOptions): Promise<Record<string, PlainTensor>>;
  release(): Promise<void>;
}

export interface RunOptions {
  /**
   * Feeds whose values are the same as in the previous run while their source object is the same (the text context
   * of every denoising step). With device-resident inputs on WebGPU they are uploaded once and then bound from GPU
   * memory; everywhere else this changes nothing.
   */
  unchanged?: Record<string, object>;
}

export interface SessionSettings {
  providers: readonly ProviderId[];
  threads: number;
  log: (message: string) => void;
  /** Keep `unchanged` inputs in GPU memory on WebGPU (onnxruntime-node's gpu-buffer tensors); off by default. */
  deviceResident?: boolean;
}

function specs(metadata: readonly InferenceSession.ValueMetadata[]): ValueSpec[] {
  return metadata.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

function toOrt(value: PlainTensor): Tensor {
  // onnxruntime-common accepts a Uint16Array for 'float16' whether or not the runtime has Float16Array.
  return new Tensor(value.type, value.data, value.dims);
}

function fromOrt(name: string, file: string, tensor: Tensor): PlainTensor {
  const dims = [...tensor.dims];
  const data = tensor.data as ArrayBufferView & { length: number };
  switch (tensor.type) {
    case 'float32':
      return { type: 'float32', data: data as Float32Array, dims };
    case 'float16':
      // A Float16Array (newer runtimes) or Uint16Array: either way, reinterpret the same bytes as bit patterns.
      return { type: 'float16', data: new Uint16Array(data.buffer, data.byteOffset, data.length), dims };
    case 'int32':
      return { type: 'int32', data: data as Int32Array, dims };
    case 'int64':
      return { type: 'int64', data: data as BigInt64Array, dims };
    default:
      throw new ModelFolderError(file, `output ${name} has unsupported element type ${tensor.type}`);
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

/**
 * Opens `file` with the first provider that initialises; a provider that fails is logged and skipped. When even CPU
 * fails, the model file itself is at fault (truncated, not ONNX, missing external data), and the error says so.
 */
export async function openSession(
  file: string,
  settings: SessionSettings,
  /** The model's bytes when they were edited in memory (concept rows); `file` then only names it in messages. */
  bytes?: Uint8Array,
): Promise<GraphSession> {
  let lastError: unknown = null;
  for (const provider of settings.providers) {
    try {
      const options: InferenceSession.SessionOptions = {
        executionProviders: [provider],
        intraOpNumThreads: settings.threads,
        graphOptimizationLevel: 'all',
      };
      const session = bytes
        ? await InferenceSession.create(bytes, options)
        : await InferenceSession.create(file, options);
      return wrap(file, provider, session, provider === 'webgpu' && settings.deviceResident === true);
    } catch (error) {
      lastError = error;
      // With one provider (the engine's planned attempts) the caller reports the failure and what it does next.
      if (provider !== 'cpu' && provider !== settings.providers.at(-1))
        settings.log(`${file}: execution provider ${provider} failed to start (${describe(error)}); trying the next`);
    }
  }
  throw (
    (await externalDataProblem(file)) ??
    new ModelFolderError(file, `cannot load the ONNX model (${describe(lastError)})`)
  );
}

/**
 * Whether `provider` starts on this machine: a session of a one-node model, created and released. Null when it
 * works, else the provider's own first line of complaint (for WebGPU: no adapter).
 */
export async function probeProvider(provider: ProviderId, model: Uint8Array): Promise<string | null> {
  try {
    const session = await InferenceSession.create(model, { executionProviders: [provider] });
    await session.release();
    return null;
  } catch (error) {
    return describe(error);
  }
}

/**
 * Uploads tensors to WebGPU memory once: an Identity session whose output stays on the device (preferredOutputLocation
 * 'gpu-buffer'); its outputs are then fed to the model's session, which binds them without a copy from the CPU.
 */
function createUploader() {
  const sessions = new Map<string, Promise<InferenceSession>>();
  const resident = new Map<string, { source: object; tensor: Tensor }>();
  return {
    async feed(name: string, value: PlainTensor, source: object): Promise<Tensor> {
      const held = resident.get(name);
      if (held?.source === source) return held.tensor;
      held?.tensor.dispose();
      resident.delete(name);
      let session = sessions.get(value.type);
      if (!session) {
        session = InferenceSession.create(identityModel(onnxElementTypes[value.type]), {
          executionProviders: ['webgpu'],
          preferredOutputLocation: 'gpu-buffer',
        });
        sessions.set(value.type, session);
      }
      const tensor = (await (await session).run({ x: toOrt(value) })).y as Tensor;
      resident.set(name, { source, tensor });
      return tensor;
    },
    async release(): Promise<void> {
      for (const { tensor } of resident.values()) tensor.dispose();
      resident.clear();
      for (const session of sessions.values()) await (await session).release();
      sessions.clear();
    },
  };
}

function wrap(file: string, provider: ProviderId, session: InferenceSession, deviceResident: boolean): GraphSession {
  let runMs = 0;
  const uploader = deviceResident ? createUploader() : null;
  return {
    file,
    provider,
    inputs: specs(session.inputMetadata),
    outputs: specs(session.outputMetadata),
    get runMs() {
      return runMs;
    },
    async run(feeds, options = {}) {
      const ortFeeds: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(feeds)) {
        const source = options.unchanged?.[name];
        if (uploader && source) {
          const started = performance.now();
          ortFeeds[name] = await uploader.feed(name, value, source);
          runMs += performance.now() - started;
        } else ortFeeds[name] = toOrt(value);
      }
      const started = performance.now();
      let results: InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds);
      } catch (error) {
        throw new ModelFolderError(file, `inference failed (${describe(error)})`);
      } finally {
        runMs += performance.now() - started;
      }
      const out: Record<string, PlainTensor> = {};
      for (const [name, value] of Object.entries(results)) out[name] = fromOrt(name, file, value as Tensor);
      return out;
    },
    async release() {
      await uploader?.release();
      await session.release();
    },
  };
}
