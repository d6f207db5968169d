// The contract's model-library methods: installed models by id and name (their folders stay in the main process).
// The one path that reaches the renderer is a folder the user chose in the native picker, to add it as they would a
// typed path.
import type { Handlers, MethodName } from '../shared/contract';
import { requireDesktop, type DesktopActions } from '../system';
import type { HubDownloads } from './hub/hub-downloads';
import type { ModelManager } from './model-manager';

type ModelMethod = Exclude<Extract<MethodName, `models.${string}`>, 'models.describe'>;

export function modelHandlers(
  models: ModelManager,
  downloads: HubDownloads,
  desktop?: DesktopActions,
): Pick<Handlers, ModelMethod> {
  return {
    'models.list': () => models.list(),
    'models.details': ({ model }) => models.details(model),
    'models.add': ({ path }) => models.add(path),
    'models.import': (input) => models.importCheckpoint(input),
    'models.remove': ({ model, deleteFiles }) => models.remove(model, deleteFiles === true),
    'models.setDefault': ({ model }) => models.setDefault(model),
    'models.rescan': () => models.list(),
    'models.pickFolder': async () => ({
      path: await requireDesktop(desktop, 'Choosing a folder').chooseFolder('Choose a model folder'),
    }),
    'models.pickCheckpoint': async () => ({
      path: await requireDesktop(desktop, 'Choosing a file').chooseFile('Choose a checkpoint', ['safetensors', 'ckpt']),
    }),
    'models.download': (request) => downloads.start(request),
    'models.downloadCancel': ({ downloadId }) => downloads.cancel(downloadId),
    'models.export': ({ model, dir }) => models.export(model, dir),
  };
}
