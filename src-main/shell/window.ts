// The one place a window is made: every web preference locked down, navigation and new windows refused.
import path from 'node:path';
import { BrowserWindow, screen, shell } from 'electron';
import { appOrigin } from './protocol';
import { loadWindowState, saveWindowState } from './window-state';

export function createMainWindow(options: { preload: string; dataDir: string }): BrowserWindow {
  const state = loadWindowState(
    options.dataDir,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(state.placed ? state.bounds : { width: state.bounds.width, height: state.bounds.height }),
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Diffusion Studio',
    backgroundColor: '#17181c',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: true,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(appOrigin + '/')) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links the user clicks to outside documentation open in the system browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });

  win.on('close', () => {
    saveWindowState(options.dataDir, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  });
  void win.loadURL(`${appOrigin}/index.html`);
  return win;
}

export function preloadPath(mainDir: string): string {
  return path.join(mainDir, 'preload.cjs');
}
