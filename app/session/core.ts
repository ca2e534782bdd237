import type { EventChannel, EventPayloads, RolecallApi } from '../ipc/contract';
import type { AppSnapshot } from '../model/snapshot';
import type { Clock } from '../ports/clock';
import type { Clipboard, Notifier, Opener } from '../ports/desktop';
import type { SecretStorageStatus, SecretStore } from '../ports/secret-store';
import type { SettingsStore } from '../ports/settings-store';

/** One event pushed to every view. */
export type CoreEvent = { [E in EventChannel]: { readonly channel: E; readonly payload: EventPayloads[E] } }[EventChannel];

/**
 * What every shell (Electron main, `rolecall web`, the CLI) drives: the request handlers of
 * the IPC contract, the redacted snapshot, and a stream of events.
 */
export interface RolecallCore {
  readonly api: RolecallApi;
  snapshot(): AppSnapshot;
  subscribe(listener: (event: CoreEvent) => void): () => void;
  /** Loads settings, paints the cached directories, resumes sessions, starts the timers. */
  start(): Promise<void>;
  /**
   * Aborts every flow the core started (sign-ins, syncs, refreshes, timers) and waits for
   * them to settle, a few seconds at most; nothing is written afterwards. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** The ports a shell hands to the core. */
export interface CorePorts {
  readonly settings: SettingsStore;
  readonly secrets: SecretStore;
  readonly secretStorage: SecretStorageStatus;
  readonly clipboard: Clipboard;
  readonly notifier: Notifier;
  readonly opener: Opener;
  readonly clock: Clock;
  /** Private directory for caches (directory cache, role credentials); mode 0700. */
  readonly cacheDir: string;
  /** Environment for AWS CLI interop (HOME, AWS_CONFIG_FILE, …); defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * 'desktop': this process writes its clipboard and opens the console for its own window and
   * tray, whose copy and console results carry no `clipboardText` / `url`. 'web' and 'cli': the
   * page or the command delivers them itself, so the results carry them for that one action.
   * A client on the agent socket gets them whatever the shell (see RequestCaller).
   */
  readonly shell: 'desktop' | 'web' | 'cli';
  /** Diagnostics no view shows (a flow that outlived stop()); defaults to a process warning. */
  readonly log?: (line: string) => void;
}
