// The contract's concept methods on a concept library: file bytes arrive as base64, nothing names a path.
import type { Handlers, MethodName } from '../shared/contract';
import type { ConceptLibrary } from './concept-library';

type ConceptMethod = Extract<MethodName, `concepts.${string}`>;

export function conceptHandlers(library: ConceptLibrary): Pick<Handlers, ConceptMethod> {
  return {
    'concepts.list': () => library.list(),
    'concepts.import': ({ name, base64, trigger, role, model }) =>
      library.import(name, new Uint8Array(Buffer.from(base64, 'base64')), { trigger, role, model }),
    'concepts.rename': ({ id, trigger }) => library.rename(id, trigger),
    'concepts.enable': ({ id }) => library.setEnabled(id, true),
    'concepts.disable': ({ id }) => library.setEnabled(id, false),
    'concepts.setRole': ({ id, role }) => library.setRole(id, role),
    'concepts.delete': ({ id }) => library.remove(id),
    'concepts.restore': ({ id }) => library.restore(id),
  };
}
