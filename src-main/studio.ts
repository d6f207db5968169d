// Composition root: builds the studio's services for one data directory and wires them to the contract's handlers.
// The Electron shell, the headless server and the CLI all start here.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Handlers } from './shared/contract';
import { createEventHub, type EventHub } from './event-hub';
import { createModelLibrary, type ModelLibrary } from './models/model-library';
import { createSystemInfo } from './system/system-info';
import { listAvailableProviders } from './system/providers-placeholder';

export interface StudioOptions {
  dataDir: string;
  appVersion: string;
  bundledModelsDir: string;
  electronVersion?: string | null;
}

export interface Studio {
  readonly dataDir: string;
  readonly handlers: Handlers;
  readonly events: EventHub;
  readonly models: ModelLibrary;
  close(): Promise<void>;
}

export function createStudio(options: StudioOptions): Studio {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const events = createEventHub();
  const models = createModelLibrary({ bundledDir: options.bundledModelsDir, userDir: path.join(dataDir, 'models') });
  const systemInfo = createSystemInfo({
    appVersion: options.appVersion,
    dataDir,
    electronVersion: options.electronVersion ?? null,
    models,
    executionProviders: listAvailableProviders,
  });

  const handlers: Handlers = {
    'system.info': () => systemInfo(),
  };

  return {
    dataDir,
    handlers,
    events,
    models,
    async close() {},
  };
}
