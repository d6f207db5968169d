// models.list: the installed models by id and name (their folders stay in the main process).
import type { Handlers } from '../shared/contract';
import type { ModelLibrary } from './model-library';

export function modelHandlers(models: ModelLibrary): Pick<Handlers, 'models.list'> {
  return {
    'models.list': () => models.list().map(({ id, name, bundled }) => ({ id, name, bundled })),
  };
}
