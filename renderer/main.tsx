import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickBridge } from './bridge/pick-bridge';
import { App } from './components/app';
import { browserPlatform, createActions } from './store/actions';
import { ActionsContext, StoreContext } from './store/hooks';
import { createRolecallStore } from './store/store';
import { keepDirectoriesStored, paintStoredDirectories } from './store/stored-directories';
import './styles/app.css';

// Wired once, outside React: the bridge feeds the store, components only read and call.
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
paintStoredDirectories(store, storage);
if (storage) keepDirectoriesStored(store, storage);
if (picked.onConnectionChange) picked.onConnectionChange((state) => store.getState().setConnection(state));
else store.getState().setConnection('open');
actions.connect();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <ActionsContext.Provider value={actions}>
          <App />
        </ActionsContext.Provider>
      </StoreContext.Provider>
    </StrictMode>,
  );
}
