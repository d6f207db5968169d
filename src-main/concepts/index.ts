// The concepts service's public entry: the library of imported embeddings, its contract handlers, and what the
// studio needs to preview a concept.
export {
  createConceptLibrary,
  type ConceptLibrary,
  type ConceptLibraryDeps,
  type ImportOptions,
} from './concept-library';
export { conceptHandlers } from './handlers';
export { previewMaker, vocabularyCheck } from './concept-studio';
export { MAX_CONCEPT_BYTES, readConceptFile, type ConceptEmbedding, type ConceptFormat } from './concept-file';
export { readSafetensors, type FloatTensor, type TensorFile } from './safetensors-reader';
// The hardened tensor-file readers, shared with the checkpoint importer (models service).
export {
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors-reader';
export { checkFinite, decodeFloats, DTYPE_BYTES, type FloatDtype } from './tensor-dtypes';
export { ConceptFileError } from './concept-errors';
export { unpickle, StorageRef, TensorRef, type LoadStorage } from './safe-unpickler';
