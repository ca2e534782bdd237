import { createContext, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { msUntilTextChanges } from '../../app/model/countdown';
import type { Actions } from './actions';
import type { RolecallState, RolecallStore } from './store';

export const StoreContext = createContext<RolecallStore | null>(null);
export const ActionsContext = createContext<Actions | null>(null);

/** Reads the store through a selector (wrap derived arrays in useShallow). */
export const useRolecall = <T>(selector: (state: RolecallState) => T): T => {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useRolecall outside <StoreContext.Provider>');
  return useStore(store, selector);
};

export const useActions = (): Actions => {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('useActions outside <ActionsContext.Provider>');
  return actions;
};

/** The store itself, for event handlers that read state without subscribing. */
export const useStoreApi = (): RolecallStore => {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStoreApi outside <StoreContext.Provider>');
  return store;
};

/** Longest wait between ticks, so a laptop waking from sleep corrects within a minute. */
const maxWaitMs = 60_000;

/**
 * Milliseconds left until `expiresAt`, re-rendering only when the formatted countdown
 * changes (see msUntilTextChanges): each hour above a day, each minute below, each second
 * in the last minute.
 */
export const useRemaining = (expiresAt: number | undefined): number | undefined => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (expiresAt === undefined) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (): void => {
      const wait = msUntilTextChanges(expiresAt, Date.now());
      if (wait === undefined) return;
      timer = setTimeout(
        () => {
          setNow(Date.now());
          schedule();
        },
        Math.min(wait, maxWaitMs),
      );
    };
    setNow(Date.now());
    schedule();
    return () => clearTimeout(timer);
  }, [expiresAt]);
  return expiresAt === undefined ? undefined : expiresAt - now;
};

/** The current time, refreshed every `everyMs` (for "synced 5m ago"). */
export const useNow = (everyMs = 30_000): number => {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
};
