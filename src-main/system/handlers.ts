// system.info on the studio's description of itself, opening the data directory on the desktop, and the settings
// methods on the settings store.
import type { Handlers, MethodName } from '../shared/contract';
import { StudioError } from '../shared/errors';
import type { SystemInfo } from '../shared/system-types';
import { clearCache, measureCache } from './cache-folder';
import { requireDesktop, type DesktopActions } from './desktop';
import type { CanvasStore } from './canvas-store';
import type { SettingsStore } from './settings-store';

type SystemMethod = Extract<MethodName, `system.${string}`>;

export function systemHandlers(deps: {
  systemInfo: () => SystemInfo;
  dataDir: string;
  desktop?: DesktopActions;
}): Pick<Handlers, SystemMethod> {
  return {
    'system.info': () => deps.systemInfo(),
    'system.openDataDir': async () => {
      await requireDesktop(deps.desktop, 'Opening the data directory').openPath(deps.dataDir);
      return { opened: true };
    },
  };
}

type SettingsMethod = Extract<MethodName, `settings.${string}`>;

export function settingsHandlers(deps: {
  store: SettingsStore;
  cacheDir: string;
  /** The installed model's id for an id or name; undefined when none matches. */
  modelId: (idOrName: string) => string | undefined;
}): Pick<Handlers, SettingsMethod> {
  return {
    'settings.get': () => deps.store.get(),
    'settings.set': (input) => {
      if (input.key === 'defaultModel' && input.value !== null) {
        const id = deps.modelId(input.value);
        if (!id) throw new StudioError('not_found', `No model named ${input.value}`, { field: 'value' });
        return deps.store.set('defaultModel', id);
      }
      return deps.store.set(input.key, input.value as never);
    },
    'settings.cacheSize': () => measureCache(deps.cacheDir),
    'settings.clearCache': () => clearCache(deps.cacheDir),
  };
}

type CanvasMethod = Extract<MethodName, `canvas.${string}`>;

export function canvasHandlers(store: CanvasStore): Pick<Handlers, CanvasMethod> {
  return {
    'canvas.load': () => store.load(),
    'canvas.putImage': (input) => store.putImage(input.key, input.pngBase64),
    'canvas.save': (input) => store.save(input),
  };
}
