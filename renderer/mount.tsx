import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { App } from './components/app';
import type { Actions } from './store/actions';
import { ActionsContext, StoreContext } from './store/hooks';
import type { RolecallStore } from './store/store';

/**
 * React and every component: loaded by main.tsx after it has opened the bridge and read the
 * stored directory, so that work (and the bridge's first answers) overlaps with this chunk's
 * evaluation instead of waiting for it. The first render is done before this returns (not
 * scheduled), so what the store holds is on screen before the page does anything else.
 */
export const mount = (root: HTMLElement, store: RolecallStore, actions: Actions): void => {
  const reactRoot = createRoot(root);
  flushSync(() =>
    reactRoot.render(
      <StrictMode>
        <StoreContext.Provider value={store}>
          <ActionsContext.Provider value={actions}>
            <App />
          </ActionsContext.Provider>
        </StoreContext.Provider>
      </StrictMode>,
    ),
  );
};
