// A CLI command's studio: built by the same composition root as the app and the server (engine on this thread, no
// background gallery check), and closed when the command ends, whatever happens.
import { appVersion, bundledModelsDir } from '../app-paths';
import { createStudio, type Studio, type StudioOptions } from '../studio';

export async function withStudio<T>(
  dataDir: string,
  use: (studio: Studio) => Promise<T> | T,
  options: Partial<StudioOptions> = {},
): Promise<T> {
  const studio = createStudio({
    dataDir,
    appVersion: appVersion(),
    bundledModelsDir: bundledModelsDir(),
    engineMode: 'inline',
    providers: 'cpu',
    checkGallery: false,
    ...options,
  });
  try {
    return await use(studio);
  } finally {
    await studio.close();
  }
}
