import { join } from 'node:path';
import { RolecallError } from '../model/errors';
import { defaultSettings, settingsSchema } from '../model/settings';
import type { Settings } from '../model/settings';
import type { SettingsStore } from '../ports/settings-store';
import { ensurePrivateDir, readJsonFile, writeFileAtomic } from './atomic-file';
import { withFileLock } from './file-lock';
import { serialQueueFor } from './serial-queue';
import type { SerialQueue } from './serial-queue';
import type { FileStoreOptions, StoreProblem } from './store-problem';

export const SETTINGS_FILE_NAME = 'settings.json';
/** The cross-process lock every settings writer takes (this store and the desktop app's). */
export const SETTINGS_LOCK_NAME = 'settings';

/**
 * Settings in `<dir>/settings.json` (CLI and `rolecall web`): validated on load, written
 * atomically with mode 0600. A file that fails to parse or validate is moved aside and
 * reported, never overwritten: `load` then returns defaults and `lastLoadProblem` says why.
 */
export class FileSettingsStore implements SettingsStore {
  readonly path: string;
  /** Set when the last load found a corrupt file; cleared by a clean load. */
  lastLoadProblem: StoreProblem | undefined;
  private readonly queue: SerialQueue;

  constructor(
    private readonly dir: string,
    private readonly options: FileStoreOptions = {},
  ) {
    this.path = join(dir, SETTINGS_FILE_NAME);
    this.queue = serialQueueFor(this.path);
  }

  /** Reads the settings, or defaults when there is no file or it was corrupt (and moved aside). */
  load(): Promise<Settings> {
    return this.queue(() => this.read());
  }

  /** Read-modify-write under the settings lock, so no other process's change is lost. */
  update(change: (stored: Settings) => Settings): Promise<Settings> {
    return withFileLock(this.dir, SETTINGS_LOCK_NAME, () =>
      this.queue(async () => {
        const next = validated(change(await this.read()));
        await this.write(next);
        return next;
      }),
    );
  }

  /** Replaces the whole file (seeding a test fixture or an import); the core uses update(). */
  save(settings: Settings): Promise<void> {
    return this.update(() => settings).then(() => undefined);
  }

  private async read(): Promise<Settings> {
    let read;
    try {
      read = await readJsonFile(this.path, settingsSchema, this.options.now);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new RolecallError('internal', `Could not read your settings file ${this.path} (${code}); check its permissions.`, {
        cause: error,
      });
    }
    if (read.status === 'ok') {
      this.lastLoadProblem = undefined;
      return read.value;
    }
    if (read.status === 'corrupt') {
      this.lastLoadProblem = {
        file: this.path,
        movedTo: read.movedTo,
        reason: read.reason,
        message: `Your settings file was unreadable and was moved to ${read.movedTo}; Rolecall started with default settings.`,
      };
      this.options.onProblem?.(this.lastLoadProblem);
    } else {
      this.lastLoadProblem = undefined;
    }
    return defaultSettings();
  }

  private async write(settings: Settings): Promise<void> {
    await ensurePrivateDir(this.dir);
    await writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  }
}

const validated = (settings: Settings): Settings => {
  const parsed = settingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new RolecallError(
    'invalid-input',
    `These settings are not valid (${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}); nothing was saved.`,
  );
};
