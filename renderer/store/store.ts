import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { createDirectorySlice } from './directory-slice';
import type { DirectorySlice } from './directory-slice';
import { createSessionSlice } from './session-slice';
import type { SessionSlice } from './session-slice';
import { createUiSlice } from './ui-slice';
import type { UiSlice } from './ui-slice';

export type RolecallState = SessionSlice & DirectorySlice & UiSlice;
export type RolecallStore = StoreApi<RolecallState>;

/** The one store of the page, made of slices. No persist middleware: nothing here outlives the page. */
export const createRolecallStore = (): RolecallStore =>
  createStore<RolecallState>()((...args) => ({
    ...createSessionSlice(...args),
    ...createDirectorySlice(...args),
    ...createUiSlice(...args),
  }));
