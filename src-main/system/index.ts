// The system service's public entry: what the machine offers the engine, and the studio's settings.
export { createSystemInfo, type SystemInfoDeps } from './system-info';
export { createSettingsStore, type SettingsStore } from './settings-store';
export { clearCache, measureCache } from './cache-folder';
