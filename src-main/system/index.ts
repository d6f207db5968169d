// The system service's public entry: what the machine offers the engine, the studio's settings, and the desktop.
export { createSystemInfo, type SystemInfoDeps } from './system-info';
export { createSettingsStore, type SettingsStore } from './settings-store';
export { clearCache, measureCache } from './cache-folder';
export { requireDesktop, type DesktopActions } from './desktop';
export { createCanvasStore, type CanvasStore } from './canvas-store';
export {
  checkCudaProvider,
  installCudaProvider,
  type CudaProviderDeps,
  type CudaProviderReport,
} from './cuda-provider';
