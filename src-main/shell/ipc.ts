// The one place IPC handlers are registered: every call is checked for its sender and validated by the contract.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { dispatch } from '../api/dispatch';
import type { Studio } from '../studio';
import { isAppFrameUrl } from './ipc-sender';
import { appOrigin } from './protocol';

export function registerIpc(studio: Studio, log: (message: string) => void): () => void {
  ipcMain.handle('studio:call', async (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    if (!isOwnFrame(event)) {
      return { ok: false, error: { code: 'forbidden_origin', message: 'Calls are accepted from the studio UI only' } };
    }
    return dispatch(studio.handlers, method, input, {
      logError: (m, e) => log(`${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    });
  });
  const unsubscribe = studio.events.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send('studio:event', event, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler('studio:call');
  };
}

function isOwnFrame(event: IpcMainInvokeEvent): boolean {
  return isAppFrameUrl(event.senderFrame?.url, appOrigin);
}
