// Electron entry: thin wiring of the studio into a locked-down window. Everything else lives in plain modules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, session } from 'electron';
import { appVersion, bundledModelsDir, productName, rendererDir } from '../app-paths';
import { installProcessGuard } from '../process-guard';
import { createStudio } from '../studio';
import { desktopActions } from './desktop-actions';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { isRequestAllowed } from './network-guard';
import { handleAppProtocol, registerSchemePrivileges } from './protocol';
import { createMainWindow, preloadPath } from './window';

const mainDir = path.dirname(fileURLToPath(import.meta.url));
const log = (message: string) => process.stderr.write(`[studio] ${message}\n`);
// One failed handler must not close every window: log it with its stack and keep the app running.
installProcessGuard({ name: 'main process', log });

app.setName(productName);
const dataArg = process.argv.indexOf('--data');
if (dataArg > 0 && process.argv[dataArg + 1]) {
  app.setPath('userData', path.resolve(process.argv[dataArg + 1]));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerSchemePrivileges();
  void app.whenReady().then(start);
}

function start(): void {
  const dataDir = app.getPath('userData');
  const studio = createStudio({
    dataDir,
    appVersion: app.isPackaged ? app.getVersion() : appVersion(),
    bundledModelsDir: app.isPackaged ? path.join(process.resourcesPath, 'models') : bundledModelsDir(),
    electronVersion: process.versions.electron ?? null,
    log,
    desktop: desktopActions,
  });

  const ses = session.defaultSession;
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRequestAllowed(details.url);
    if (!allowed) log(`blocked request to ${details.url.slice(0, 200)}`);
    callback({ cancel: !allowed });
  });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  handleAppProtocol({ rendererDir: rendererDir(), dataDir });
  const unregister = registerIpc(studio, log);
  installMenu();
  let win = createMainWindow({ preload: preloadPath(mainDir), dataDir });

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('activate', () => {
    if (win.isDestroyed()) win = createMainWindow({ preload: preloadPath(mainDir), dataDir });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    unregister();
    void studio.close();
  });
}
