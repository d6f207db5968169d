// system.info: what this installation is and can do, for the status bar and for bug reports.
import type { ExecutionProviderInfo, ProviderChoiceInfo, SystemInfo } from '../shared/system-types';
import type { ModelLibrary } from '../models';

export interface SystemInfoDeps {
  appVersion: string;
  dataDir: string;
  electronVersion: string | null;
  models: ModelLibrary;
  executionProviders: () => ExecutionProviderInfo[];
  /** `auto`'s stored measurements; none when not given. */
  providerChoices?: () => ProviderChoiceInfo[];
  /** Whether the desktop actions are available (the studio was given them). */
  desktop: boolean;
}

export function createSystemInfo(deps: SystemInfoDeps): () => SystemInfo {
  return () => ({
    appVersion: deps.appVersion,
    platform: process.platform,
    arch: process.arch,
    runtime: { node: process.versions.node, electron: deps.electronVersion },
    executionProviders: deps.executionProviders(),
    providerChoices: deps.providerChoices?.() ?? [],
    dataDir: deps.dataDir,
    models: deps.models.list().map(({ id, name, bundled, source, default: isDefault }) => ({
      id,
      name,
      bundled,
      source,
      default: isDefault,
    })),
    desktop: deps.desktop,
  });
}
