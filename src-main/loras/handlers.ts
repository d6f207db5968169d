// The contract's LoRA methods on a LoRA library: file bytes arrive as base64, nothing names a path.
import type { Handlers, MethodName } from '../shared/contract';
import type { LoraLibrary } from './lora-library';

type LoraMethod = Extract<MethodName, `loras.${string}`>;

export function loraHandlers(library: LoraLibrary): Pick<Handlers, LoraMethod> {
  return {
    'loras.list': () => library.list(),
    'loras.import': ({ file, base64, name }) =>
      library.import(file, new Uint8Array(Buffer.from(base64, 'base64')), { name }),
    'loras.delete': ({ id }) => library.remove(id),
  };
}
