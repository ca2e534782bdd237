import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { AppSnapshot } from '../../app/model/snapshot';
import { toMenuTemplate } from './menu-template';
import { nextTickDelay } from './tick';
import { trayIconPath } from './tray-icons';
import type { DirectoryLookup, TrayAction } from './tray-menu';
import { buildTrayMenu } from './tray-menu';
import { deriveTrayStatus, trayTitle } from './tray-state';
import type { TrayState } from './tray-state';

export interface TrayControllerDeps {
  readonly tray: Pick<Tray, 'setImage' | 'setToolTip' | 'setTitle' | 'setContextMenu' | 'on' | 'destroy'>;
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => Menu;
  readonly loadImage: (path: string) => NativeImage;
  readonly assetsDir: string;
  readonly platform: NodeJS.Platform;
  readonly snapshot: () => AppSnapshot;
  readonly now: () => number;
  readonly lookup: DirectoryLookup;
  readonly dispatch: (action: TrayAction) => void;
  /** Left click on Windows and Linux panels that report it: open the window. */
  readonly onClick: () => void;
}

/**
 * Keeps the tray in step with the core: icon, tooltip, macOS title and menu are re-derived
 * on every state change and whenever a countdown's text would change, and not otherwise.
 */
export const createTrayController = (deps: TrayControllerDeps) => {
  const images = new Map<TrayState, NativeImage>();
  const image = (state: TrayState): NativeImage => {
    let loaded = images.get(state);
    if (!loaded) {
      loaded = deps.loadImage(trayIconPath(deps.assetsDir, state, deps.platform));
      if (deps.platform === 'darwin') loaded.setTemplateImage(true);
      images.set(state, loaded);
    }
    return loaded;
  };
  let tick: ReturnType<typeof setTimeout> | undefined;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let lastState: TrayState | undefined;

  const render = (): void => {
    clearTimeout(tick);
    const snapshot = deps.snapshot();
    const now = deps.now();
    const status = deriveTrayStatus(snapshot, now);
    if (status.state !== lastState) {
      deps.tray.setImage(image(status.state));
      lastState = status.state;
    }
    deps.tray.setToolTip(status.tooltip);
    if (deps.platform === 'darwin') deps.tray.setTitle(trayTitle(status, now));
    deps.tray.setContextMenu(deps.buildMenu(toMenuTemplate(buildTrayMenu(snapshot, now, deps.lookup), deps.dispatch)));
    const delay = nextTickDelay(snapshot, now);
    // Small slack so the timer lands just after the text changed, not a hair before.
    if (delay !== undefined) tick = setTimeout(render, delay + 15);
  };

  deps.tray.on('click', deps.onClick);

  return {
    render,
    /** A state change: coalesce bursts (sync progress) into one rebuild. */
    scheduleRender(): void {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        render();
      }, 100);
    },
    dispose(): void {
      clearTimeout(tick);
      clearTimeout(pending);
      deps.tray.destroy();
    },
  };
};
