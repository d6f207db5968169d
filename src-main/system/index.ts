// The system service's public entry: what the machine offers the engine.
export { createSystemInfo, type SystemInfoDeps } from './system-info';
