import { ipcMain } from 'electron';
import { registerRequestHandlers } from './request-router';
import type { RouterDeps } from './request-router';

/** Registers the contract's handlers on Electron's real ipcMain; returns the removal. */
export const installIpcHandlers = (deps: RouterDeps): (() => void) => registerRequestHandlers(ipcMain, deps);
