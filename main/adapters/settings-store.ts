import { rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RolecallError } from '../../app/model/errors';
import { settingsSchema } from '../../app/model/settings';
import type { Settings } from '../../app/model/settings';
import type { SettingsStore } from '../../app/ports/settings-store';
import { readJsonFile } from '../../app/storage/atomic-file';
import { withFileLock } from '../../app/storage/file-lock';
import { SETTINGS_LOCK_NAME } from '../../app/storage/file-settings-store';

/** The slice of an electron-store instance the settings store writes through. */
export interface WholeStore {
  readonly path: string;
  store: Record<string, unknown>;
}

export interface CorruptSettings {
  readonly movedTo: string;
  readonly reason: string;
  /** One sentence for the user. */
  readonly message: string;
}

export interface ElectronSettingsStoreOptions {
  /** Where electron-store keeps the file (`<userData>/settings.json`). */
  readonly path: string;
  /** Opens the electron-store over `path` (with `clearInvalidConfig: false`). */
  readonly open: () => WholeStore;
  readonly onCorrupt: (report: CorruptSettings) => void;
  readonly now?: () => number;
}

/**
 * Settings in electron-store, validated with the core's settings schema on every load and
 * save. electron-store would throw on a file it cannot parse (or, with clearInvalidConfig,
 * silently reset it); instead the file is checked before the store opens it, and a corrupt
 * one is moved aside and reported, never overwritten with less.
 */
export class ElectronSettingsStore implements SettingsStore {
  private store: WholeStore | undefined;
  private latest: Settings | undefined;

  constructor(private readonly options: ElectronSettingsStoreOptions) {}

  /** The settings as last loaded or saved (the URL allowlist reads instance endpoints from it). */
  current(): Settings | undefined {
    return this.latest;
  }

  async load(): Promise<Settings> {
    const read = await readJsonFile(this.options.path, settingsSchema, this.options.now);
    let settings: Settings;
    if (read.status === 'ok') settings = read.value;
    else {
      if (read.status === 'corrupt') {
        this.options.onCorrupt({
          movedTo: read.movedTo,
          reason: read.reason,
          message: `Your settings file could not be read (${read.reason}); it was moved to ${read.movedTo} and Rolecall started with default settings.`,
        });
      }
      settings = settingsSchema.parse({});
    }
    this.latest = settings;
    return settings;
  }

  /**
   * Read-modify-write under the same cross-process lock as the CLI's settings store (both
   * write `<config dir>/settings.json`): the file is re-read inside the lock, so a
   * `rolecall login` that added an instance while the app ran is kept.
   */
  update(change: (stored: Settings) => Settings): Promise<Settings> {
    return withFileLock(dirname(this.options.path), SETTINGS_LOCK_NAME, async () => {
      const next = change(await this.load());
      await this.save(next);
      return this.latest ?? next;
    });
  }

  /** Writes the whole store, with no lock: the core changes settings through update() only. */
  async save(settings: Settings): Promise<void> {
    const parsed = settingsSchema.safeParse(settings);
    if (!parsed.success) throw new RolecallError('internal', 'Rolecall refused to save settings that do not match their schema.');
    try {
      this.opened().store = parsed.data as unknown as Record<string, unknown>;
    } catch (error) {
      // Someone corrupted the file while we ran: set it aside rather than lose it, then write.
      if (!(error instanceof SyntaxError)) throw error;
      await this.moveAside(error.message);
      this.store = undefined;
      this.opened().store = parsed.data as unknown as Record<string, unknown>;
    }
    this.latest = parsed.data;
  }

  private opened(): WholeStore {
    this.store ??= this.options.open();
    return this.store;
  }

  private async moveAside(reason: string): Promise<void> {
    const stamp = new Date((this.options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
    const movedTo = `${this.options.path}.corrupt-${stamp}`;
    await rename(this.options.path, movedTo);
    this.options.onCorrupt({ movedTo, reason, message: `Your settings file was damaged; it was moved to ${movedTo} and rewritten.` });
  }
}
