import type { MenuItemConstructorOptions } from 'electron';
import type { MenuItemModel, TrayAction } from './tray-menu';

/** Turns the menu model into Electron's template; clicks hand the typed action back. */
export const toMenuTemplate = (items: readonly MenuItemModel[], dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] =>
  items.map((entry): MenuItemConstructorOptions => {
    switch (entry.kind) {
      case 'separator':
        return { id: entry.id, type: 'separator' };
      case 'submenu':
        return { id: entry.id, label: entry.label, submenu: toMenuTemplate(entry.items, dispatch) };
      case 'item': {
        const action = entry.action;
        return action
          ? { id: entry.id, label: entry.label, enabled: entry.enabled, click: () => dispatch(action) }
          : { id: entry.id, label: entry.label, enabled: false };
      }
    }
  });
