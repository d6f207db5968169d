// The renderer's only door to the main process: two functions on window.studio, nothing of ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

contextBridge.exposeInMainWorld('studio', {
  invoke: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('studio:call', method, input),
  subscribe: (listener: (event: string, payload: unknown) => void): (() => void) => {
    const forward = (_: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on('studio:event', forward);
    return () => ipcRenderer.removeListener('studio:event', forward);
  },
});
