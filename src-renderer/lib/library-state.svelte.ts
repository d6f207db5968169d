// The Models panel and the Settings dialog: the installed models in full, adding and removing folders, and the
// studio's settings (the theme applied to the page as it changes).
import type { ModelDetails, ModelFolderProblem } from '../../src-main/shared/models';
import type { CacheReport, SettingKey, Settings } from '../../src-main/shared/settings';
import { ApiError } from './api';
import { contextSlot } from './context';
import { describeError, type StudioState } from './studio-state.svelte';

/** Why a folder was not added: the server's message and, for a folder that is not a usable model, every problem. */
export interface AddReport {
  folder: string;
  message: string;
  problems: ModelFolderProblem[];
}

export class LibraryState {
  models = $state<ModelDetails[]>([]);
  loading = $state(false);
  adding = $state(false);
  report = $state<AddReport | null>(null);
  settings = $state<Settings | null>(null);
  cache = $state<CacheReport | null>(null);

  constructor(
    private readonly studio: StudioState,
    /** Told of the stored settings whenever they are read or changed. */
    private readonly onSettings: (settings: Settings) => void = () => {},
  ) {}

  async loadModels(): Promise<void> {
    this.loading = true;
    try {
      await this.studio.api.call('models.rescan', {});
      this.models = await this.studio.api.call('models.details', {});
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not read the models: ${describeError(error)}` });
    } finally {
      this.loading = false;
    }
  }

  /** True when the folder was added; otherwise `report` says why. */
  async add(folder: string): Promise<boolean> {
    this.adding = true;
    this.report = null;
    try {
      const added = await this.studio.api.call('models.add', { path: folder });
      this.studio.notify({ level: 'info', message: `Added ${added.name}` });
      await this.changed();
      return true;
    } catch (error) {
      this.report = { folder, message: describeError(error), problems: problemsOf(error) };
      return false;
    } finally {
      this.adding = false;
    }
  }

  async remove(model: ModelDetails): Promise<void> {
    try {
      await this.studio.api.call('models.remove', { model: model.id, deleteFiles: model.source === 'data' });
      this.studio.notify({
        level: 'info',
        message: model.source === 'data' ? `Deleted ${model.name}` : `Removed ${model.name} from the library`,
      });
      await this.changed();
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not remove ${model.name}: ${describeError(error)}` });
    }
  }

  async setDefault(model: ModelDetails): Promise<void> {
    try {
      await this.studio.api.call('models.setDefault', { model: model.id });
      await this.changed();
      await this.loadSettings();
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not set the default: ${describeError(error)}` });
    }
  }

  /** A folder chosen with the native picker (desktop only); null when cancelled or failed. */
  pickFolder(): Promise<string | null> {
    return this.pick('models.pickFolder', 'a folder');
  }

  /** A checkpoint file chosen with the native picker (desktop only); null when cancelled or failed. */
  pickCheckpoint(): Promise<string | null> {
    return this.pick('models.pickCheckpoint', 'a checkpoint');
  }

  private async pick(method: 'models.pickFolder' | 'models.pickCheckpoint', what: string): Promise<string | null> {
    try {
      return (await this.studio.api.call(method, {})).path;
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not choose ${what}: ${describeError(error)}` });
      return null;
    }
  }

  /** Shows the data directory in the system's file manager (desktop only). */
  async openDataDir(): Promise<void> {
    try {
      await this.studio.api.call('system.openDataDir', {});
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not open the data directory: ${describeError(error)}` });
    }
  }

  async loadSettings(): Promise<void> {
    try {
      this.settings = await this.studio.api.call('settings.get', {});
      this.applied(this.settings);
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not read the settings: ${describeError(error)}` });
    }
  }

  async set<K extends SettingKey>(key: K, value: Settings[K]): Promise<void> {
    try {
      this.settings = await this.studio.api.call('settings.set', { key, value } as never);
      this.applied(this.settings);
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not save the setting: ${describeError(error)}` });
    }
  }

  async measureCache(): Promise<void> {
    this.cache = await this.studio.api.call('settings.cacheSize', {}).catch(() => null);
  }

  async clearCache(): Promise<void> {
    try {
      const freed = await this.studio.api.call('settings.clearCache', {});
      this.studio.notify({
        level: 'info',
        message: `Cleared the cache: ${formatBytes(freed.bytes)} freed (${freed.files} files)`,
      });
      await this.measureCache();
    } catch (error) {
      this.studio.notify({ level: 'error', message: `Could not clear the cache: ${describeError(error)}` });
    }
  }

  private applied(settings: Settings): void {
    document.documentElement.dataset.theme = settings.theme;
    this.onSettings(settings);
  }

  /** The library changed: the panel and the model picker (system.info) read it again. */
  private async changed(): Promise<void> {
    await Promise.all([this.loadModels(), this.studio.load()]);
  }
}

function problemsOf(error: unknown): ModelFolderProblem[] {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || error.details === null) return [];
  const problems = (error.details as { problems?: unknown }).problems;
  return Array.isArray(problems) ? (problems as ModelFolderProblem[]) : [];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export const librarySlot = contextSlot<LibraryState>('LibraryState');
export const useLibrary = librarySlot.use;
