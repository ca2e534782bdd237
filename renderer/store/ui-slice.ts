import type { StateCreator } from 'zustand/vanilla';
import type { RolecallState } from './store';

export type View = 'directory' | 'preferences';

/** The screen a shell's `view:open` names, as the store calls it. */
export const viewOf = (requested: 'roles' | 'preferences'): View => (requested === 'roles' ? 'directory' : 'preferences');

export interface Toast {
  readonly id: number;
  readonly kind: 'success' | 'error' | 'info';
  readonly message: string;
}

export interface UiSlice {
  readonly query: string;
  /** Index among the result options (not rows). */
  readonly activeIndex: number;
  readonly view: View;
  /** The row key whose action menu is open. */
  readonly menuFor: string | null;
  readonly toasts: readonly Toast[];
  /** The secret-storage sentence is shown once per page; this hides it. */
  readonly storageNoticeDismissed: boolean;
  /** Bumped to ask the search box to take focus (shortcut, tray). */
  readonly searchFocusRequest: number;
  setQuery(query: string): void;
  setActiveIndex(index: number): void;
  showView(view: View): void;
  openMenu(rowKey: string): void;
  closeMenu(): void;
  pushToast(toast: Omit<Toast, 'id'>): number;
  dismissToast(id: number): void;
  dismissStorageNotice(): void;
  requestSearchFocus(): void;
}

/** Toasts on screen at once; older ones make room. */
export const maxToasts = 3;

export const createUiSlice: StateCreator<RolecallState, [], [], UiSlice> = (set, get) => {
  let nextToastId = 1;
  return {
    query: '',
    activeIndex: 0,
    view: 'directory',
    menuFor: null,
    toasts: [],
    storageNoticeDismissed: false,
    searchFocusRequest: 0,
    setQuery: (query) => set({ query, activeIndex: 0, menuFor: null }),
    setActiveIndex: (activeIndex) => set({ activeIndex: Math.max(0, activeIndex) }),
    showView: (view) => set({ view, menuFor: null }),
    openMenu: (menuFor) => set({ menuFor }),
    closeMenu: () => set({ menuFor: null }),
    pushToast: (toast) => {
      const id = nextToastId;
      nextToastId += 1;
      set({ toasts: [...get().toasts, { ...toast, id }].slice(-maxToasts) });
      return id;
    },
    dismissToast: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
    dismissStorageNotice: () => set({ storageNoticeDismissed: true }),
    requestSearchFocus: () => set({ view: 'directory', searchFocusRequest: get().searchFocusRequest + 1 }),
  };
};
