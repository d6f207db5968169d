// The contract's model-library methods: installed models by id and name (their folders stay in the main process).
import type { Handlers, MethodName } from '../shared/contract';
import type { ModelManager } from './model-manager';

type ModelMethod = Exclude<Extract<MethodName, `models.${string}`>, 'models.describe'>;

export function modelHandlers(models: ModelManager): Pick<Handlers, ModelMethod> {
  return {
    'models.list': () => models.list(),
    'models.details': ({ model }) => models.details(model),
    'models.add': ({ path }) => models.add(path),
    'models.remove': ({ model, deleteFiles }) => models.remove(model, deleteFiles === true),
    'models.setDefault': ({ model }) => models.setDefault(model),
    'models.rescan': () => models.list(),
  };
}
