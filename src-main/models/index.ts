// The models service's public entry: where the studio's model folders are and what they are.
export {
  createModelLibrary,
  importedId,
  type ImportedLocations,
  type ModelLibrary,
  type ModelLocation,
} from './model-library';
export { importedLocations } from './imported-locations';
export { createModelManager, type ModelManager } from './model-manager';
export { createHubDownloads, type HubDownloads, type HubDownloadsDeps } from './hub/hub-downloads';
export type { CheckpointImporter } from './hub/hub-download';
export type { RetryPolicy } from './hub/file-download';
export { conceptSection, loraSection, type ExportSection, type ExportSections } from './model-export';
