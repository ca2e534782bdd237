import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preload-bridge';

// Sandboxed preload: bundled to one CommonJS file that requires nothing but 'electron'.
contextBridge.exposeInMainWorld('rolecall', createPreloadApi(ipcRenderer));
