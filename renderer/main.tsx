import { pickBridge } from './bridge/pick-bridge';
import { browserPlatform, createActions } from './store/actions';
import { createRolecallStore } from './store/store';
import { keepDirectoriesStored, paintStoredDirectories } from './store/stored-directories';
import './styles/app.css';

// Wired once, outside React: the bridge feeds the store, components only read and call.
// This entry holds no React: the socket opens and the stored roles are read while the
// browser still evaluates React and the components (./mount, preloaded beside this file).
const picked = pickBridge();
const store = createRolecallStore();
store.getState().setShell(picked.mode);
const actions = createActions(store, picked.bridge, browserPlatform());
// Paint the roles of the last load before the bridge answers; keep them for the next one.
const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
})();
const painted = paintStoredDirectories(store, storage);
if (storage) keepDirectoriesStored(store, storage);
if (picked.onConnectionChange) picked.onConnectionChange((state) => store.getState().setConnection(state));
else store.getState().setConnection('open');
// With nothing stored, the bridge's first answers (the snapshot, then the directory) come
// while React loads. With stored roles, React paints them first: the store takes the
// bridge's answers after that frame (the snapshot alone rebuilds every entry), and the
// state the bridge answers then is as current as an event it sent before would have been.
if (!painted) actions.connect();

const root = document.getElementById('root');
if (root) {
  import('./mount')
    .then(({ mount }) => {
      mount(root, store, actions);
      // After the frame with the stored roles is on screen: a task queued from the frame's
      // requestAnimationFrame runs after that frame paints. A hidden tab paints no frames.
      if (!painted) return;
      if (document.visibilityState === 'hidden') actions.connect();
      else requestAnimationFrame(() => setTimeout(() => actions.connect(), 0));
    })
    .catch(() => {
      root.textContent = 'Rolecall could not load its page. Reload it; if that does not help, restart Rolecall.';
    });
}
