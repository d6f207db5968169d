// The gallery's public entry: what the studio, other services and tools may use. The schema, the statements and
// the file layout stay behind it.
export { createGallery, type Gallery, type GalleryDeps, type GalleryEmitter } from './gallery';
export { openStudioDb, refreshStatistics, studioDbPath, type OpenOptions, type StudioDb } from './database';
export { galleryHandlers } from './handlers';
export type { GalleryGenerate, GalleryGenerateRequest } from './reproduce';
export type { SaveJob, SavedImage } from './save';
export type { NewGeneration } from './records';
