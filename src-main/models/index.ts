// The models service's public entry: where the studio's model folders are and what they are.
export { createModelLibrary, type ModelLibrary, type ModelLocation } from './model-library';
