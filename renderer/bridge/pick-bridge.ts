import type { PreloadApi, RolecallBridge } from '../../app/ipc/contract';
import { bridgeEndpoint } from '../../app/ipc/bridge-protocol';
import { electronBridge } from './electron-bridge';
import { webBridge } from './web-bridge';
import type { ConnectionState } from './web-bridge';

export interface PickedBridge {
  readonly bridge: RolecallBridge;
  readonly mode: 'electron' | 'web';
  /** Connection changes (web only: the Electron bridge is always connected). */
  readonly onConnectionChange?: (listener: (state: ConnectionState) => void) => () => void;
}

/** The Electron preload's bridge when the page has one, else the `rolecall web` WebSocket. */
export const pickBridge = (win: Window & { readonly rolecall?: PreloadApi } = window): PickedBridge => {
  if (win.rolecall) return { bridge: electronBridge(win.rolecall), mode: 'electron' };
  // Beside the page, under its session path: that is where the session cookie is sent.
  const endpoint = new URL(bridgeEndpoint, win.location.href);
  endpoint.protocol = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  endpoint.hash = '';
  endpoint.search = '';
  const bridge = webBridge(endpoint.href);
  return { bridge, mode: 'web', onConnectionChange: bridge.onConnectionChange };
};
