export interface ExecutionProviderInfo {
  id: string;
  /** Whether this build of ONNX Runtime can use it here; missing ones say why. */
  available: boolean;
  note?: string;
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
  dataDir: string;
  models: ModelSummary[];
  /**
   * Whether the desktop actions work here (gallery.reveal, gallery.exportTo, system.openDataDir, models.pickFolder, models.pickCheckpoint):
   * true in the desktop app, false for the headless server, whose browser may be on another machine.
   */
  desktop: boolean;
}
