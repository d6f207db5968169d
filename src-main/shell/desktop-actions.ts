// The studio's desktop actions on Electron: the system's file manager and the native folder and file pickers, over
// the focused window so that the dialog is modal to it.
import { BrowserWindow, dialog, shell, type OpenDialogOptions } from 'electron';
import type { DesktopActions } from '../studio';

export const desktopActions: DesktopActions = {
  revealPath: (file) => shell.showItemInFolder(file),
  async openPath(file) {
    const problem = await shell.openPath(file);
    if (problem) throw new Error(`could not open ${file}: ${problem}`);
  },
  chooseFolder: (title) => choose({ title, properties: ['openDirectory', 'createDirectory'] }),
  chooseFile: (title, extensions) =>
    choose({ title, properties: ['openFile'], filters: [{ name: title, extensions }] }),
};

async function choose(options: OpenDialogOptions): Promise<string | null> {
  const focused = BrowserWindow.getFocusedWindow();
  const { canceled, filePaths } = await (focused
    ? dialog.showOpenDialog(focused, options)
    : dialog.showOpenDialog(options));
  return canceled || filePaths.length === 0 ? null : filePaths[0];
}
