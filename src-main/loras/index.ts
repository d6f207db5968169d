// The LoRA service's public entry: the library of imported LoRA files and its contract handlers.
export { createLoraLibrary, type LoraLibrary, type LoraLibraryDeps } from './lora-library';
export { loraHandlers } from './handlers';
export { readLoraFile, LoraFileError, MAX_LORA_BYTES } from './lora-file';
