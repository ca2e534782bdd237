import type { Settings } from '../model/settings';

/**
 * Where the non-secret settings live: a private JSON file for the CLI and `rolecall web`,
 * electron-store in the desktop app. `load` never silently loses data: a corrupt file is
 * moved aside and reported (see storage/), then defaults are returned.
 */
export interface SettingsStore {
  load(): Promise<Settings>;
  /**
   * Changes the stored settings as a patch: re-reads what is stored now (under a
   * cross-process lock: the desktop app, `rolecall web` and CLI runs share one file),
   * applies `change` to it, writes the result and returns it. There is deliberately no
   * whole-file save: a process writing its in-memory copy would undo what another process
   * wrote since (an instance added by `rolecall login`, say).
   */
  update(change: (stored: Settings) => Settings): Promise<Settings>;
  /** Set by `load` when the stored file was unreadable and moved aside: one sentence for the user. */
  readonly lastLoadProblem?: { readonly message: string };
}
