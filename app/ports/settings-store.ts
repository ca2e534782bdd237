import type { Settings } from '../model/settings';

/**
 * Where the non-secret settings live: a private JSON file for the CLI and `rolecall web`,
 * electron-store in the desktop app. `load` never silently loses data: a corrupt file is
 * moved aside and reported (see storage/), then defaults are returned.
 */
export interface SettingsStore {
  load(): Promise<Settings>;
  save(settings: Settings): Promise<void>;
  /** Set by `load` when the stored file was unreadable and moved aside: one sentence for the user. */
  readonly lastLoadProblem?: { readonly message: string };
}
