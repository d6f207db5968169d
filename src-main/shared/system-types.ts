export interface ExecutionProviderInfo {
  id: string;
  /** Whether this build of ONNX Runtime can use it here; missing ones say why. */
  available: boolean;
  note?: string;
}

/** One provider's timed UNet call for a model (`auto`'s measurement); ms null when it failed. */
export interface ProviderMeasurementInfo {
  provider: string;
  ms: number | null;
  /** Whether the optimised copy was timed. */
  optimized: boolean;
  error?: string;
}

/** What `auto` measured for one model on this machine, and what it chose. */
export interface ProviderChoiceInfo {
  modelHash: string;
  modelName: string | null;
  chosen: string;
  reason: string;
  measuredAt: string;
  size: { width: number; height: number; batch: number };
  measurements: ProviderMeasurementInfo[];
}

export interface ModelSummary {
  /** Stable id the renderer uses to name the model; never a path. */
  id: string;
  name: string;
  bundled: boolean;
  /** bundled with the app, a folder in the data directory's models/, or a folder imported where it lies. */
  source: 'bundled' | 'data' | 'imported';
  /** The model used when none is named (the stored choice, else the bundled one). */
  default: boolean;
}

export interface SystemInfo {
  appVersion: string;
  platform: string;
  arch: string;
  runtime: { node: string; electron: string | null };
  executionProviders: ExecutionProviderInfo[];
  /** `auto`'s measurements per model (kept in the cache folder), newest first; empty before any was made. */
  providerChoices?: ProviderChoiceInfo[];
  dataDir: string;
  models: ModelSummary[];
  /**
   * Whether the desktop actions work here (gallery.reveal, gallery.exportTo, system.openDataDir, models.pickFolder, models.pickCheckpoint):
   * true in the desktop app, false for the headless server, whose browser may be on another machine.
   */
  desktop: boolean;
}
