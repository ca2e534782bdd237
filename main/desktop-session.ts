import { connectToOwner } from '../app/agent/agent-client';
import type { ConnectOptions, OwnerClient } from '../app/agent/agent-client';
import { TAKE_OVER_STALE_MS, startOwner } from '../app/agent/agent-server';
import type { OwnerStart } from '../app/agent/agent-server';
import { fallBackWhenOwnerGone } from '../app/agent/fallback-source';
import type { FallbackSource } from '../app/agent/fallback-source';
import type { OwnerLockOptions } from '../app/agent/owner-lock';
import { scheduleClipboardClear } from '../app/credentials/clipboard-clear';
import type { RolecallApi } from '../app/ipc/contract';
import type { Clock } from '../app/ports/clock';
import type { Clipboard, Notifier, Opener } from '../app/ports/desktop';
import type { SessionSource } from '../app/ports/session-source';

export interface DesktopSessionOptions {
  readonly configDir: string;
  /** Builds and starts the desktop's own core (electron-store settings, safeStorage secrets). */
  readonly openCore: () => Promise<SessionSource>;
  /** This process's clipboard, browser and clock: what a copy or "open console" uses. */
  readonly clipboard: Clipboard;
  readonly opener: Opener;
  readonly clock: Clock;
  readonly notifier?: Notifier;
  readonly version?: string;
  readonly log: (line: string) => void;
  /** Called whenever the role changes (the app became the owner, or a client of another). */
  readonly onRoleChanged?: (role: DesktopRole) => void;
  /** Tests: the owner lock's timing. */
  readonly lock?: OwnerLockOptions;
  readonly connect?: (configDir: string, options: ConnectOptions) => Promise<OwnerClient | undefined>;
}

export type DesktopRole =
  | { readonly kind: 'owner' }
  | { readonly kind: 'client'; readonly ownerPid: number }
  /** Neither: no owner answered and the lock could not be had; the cross-process locks keep this safe. */
  | { readonly kind: 'alone' };

export interface DesktopSession {
  /** The sessions the tray and window drive: the app's own core or the running owner's. */
  readonly source: SessionSource;
  role(): DesktopRole;
  /** Stops serving the socket (when the owner) and stops the source. */
  close(): Promise<void>;
}

/** How many times to look again when the owner changes hands between our two looks. */
const ATTEMPTS = 3;

/**
 * The desktop app as one of the owners of a config dir: it becomes the owner (and serves the
 * agent socket) when no other process is; else it is a client of the running owner (a
 * `rolecall agent` or `rolecall web`), and takes ownership as soon as that owner goes away,
 * the tray working throughout. Whichever it is, a copy lands on this process's clipboard and a
 * console opens in this process's browser, and neither the text nor the URL reaches the window.
 */
export const openDesktopSession = async (options: DesktopSessionOptions): Promise<DesktopSession> => {
  const connect = options.connect ?? connectToOwner;
  let owner: Extract<OwnerStart<SessionSource>, { status: 'owner' }> | undefined;
  let role: DesktopRole = { kind: 'alone' };
  let closed = false;
  const setRole = (next: DesktopRole): void => {
    role = next;
    options.onRoleChanged?.(next);
  };

  /** Owner if the lock is free, else the running owner's client, else alone. */
  const ownOrJoin = async (waitForStaleMs?: number): Promise<SessionSource> => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const started = await startOwner({
        configDir: options.configDir,
        openCore: options.openCore,
        ...(options.notifier ? { notifier: options.notifier } : {}),
        ...(options.version ? { version: options.version } : {}),
        ...(options.lock ? { lock: options.lock } : {}),
        ...(waitForStaleMs !== undefined ? { waitForStaleMs } : {}),
        log: options.log,
      });
      if (started.status === 'owner') {
        owner = started;
        setRole({ kind: 'owner' });
        return started.core;
      }
      // Filled in once connected: the owner can only go away after that.
      const link: { source?: FallbackSource; pid?: number } = {};
      const remote = await connect(options.configDir, {
        onIncompatible: (message) => options.log(message),
        onGone: () => {
          if (closed || !link.source) return;
          options.log(`The Rolecall owner (pid ${link.pid}) went away; the app takes over its sessions.`);
          link.source.takeOver().catch((error: unknown) => options.log(`Could not take over the sessions: ${describe(error)}`));
        },
      });
      if (!remote) continue;
      options.log(`Another Rolecall owner (pid ${remote.pid}) serves this config dir; the app is its client.`);
      // When the owner stops, wait out a killed owner's stale lock and take over.
      const source = fallBackWhenOwnerGone(remote, () => ownOrJoin(TAKE_OVER_STALE_MS));
      link.source = source;
      link.pid = remote.pid;
      setRole({ kind: 'client', ownerPid: remote.pid });
      return source;
    }
    options.log('No Rolecall owner answers and the owner lock is held; the app works alone beside it.');
    setRole({ kind: 'alone' });
    const core = await options.openCore();
    return core;
  };

  const inner = await ownOrJoin();
  const source = deliverInThisProcess(inner, options);
  return {
    source,
    role: () => role,
    close: async () => {
      closed = true;
      await owner?.close().catch((error: unknown) => options.log(`Could not close the agent socket: ${describe(error)}`));
      await source.stop();
    },
  };
};

/**
 * A source whose copy and "open console" happen in this process, whatever shell the owner
 * is: an owner hands the text or URL back to its socket clients (RequestCaller 'client');
 * this puts the text on the Electron clipboard (cleared later as the preference says) or
 * opens the URL in the browser, and returns the result without it, so no secret reaches the
 * renderer. The app's own core (shell 'desktop') has done both already and hands back none.
 */
export const deliverInThisProcess = (
  source: SessionSource,
  ports: { readonly clipboard: Clipboard; readonly opener: Opener; readonly clock: Clock },
): SessionSource => {
  const shutdown = new AbortController();
  const api: RolecallApi = {
    ...source.api,
    'credentials:copy': async (input) => {
      const { clipboardText, ...result } = await source.api['credentials:copy'](input);
      if (clipboardText !== undefined) {
        ports.clipboard.writeText(clipboardText);
        void scheduleClipboardClear({
          clipboard: ports.clipboard,
          text: clipboardText,
          seconds: result.clearsAfterSeconds,
          clock: ports.clock,
          signal: shutdown.signal,
        });
      }
      return result;
    },
    'console:open': async (input) => {
      const { url, ...result } = await source.api['console:open'](input);
      if (url !== undefined) await ports.opener.openExternal(url, { browser: source.settings().preferences.consoleBrowser });
      return result;
    },
  };
  // The source's methods read `this`-free closures, so spreading keeps them working.
  return {
    ...source,
    api,
    snapshot: () => source.snapshot(),
    subscribe: (listener) => source.subscribe(listener),
    settings: () => source.settings(),
    instances: () => source.instances(),
    stop: async () => {
      shutdown.abort();
      await source.stop();
    },
  };
};

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
