import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from '../model/zod-mini';
import { RolecallError } from '../model/errors';
import type { SecretStorageStatus, SecretStore } from '../ports/secret-store';
import { ensurePrivateDir, readJsonFile, writeFileAtomic } from './atomic-file';
import { withFileLock } from './file-lock';
import { serialQueueFor } from './serial-queue';
import type { SerialQueue } from './serial-queue';
import type { FileStoreOptions, StoreProblem } from './store-problem';

export const SECRETS_FILE_NAME = 'secrets.json';

/** How the CLI and `rolecall web` keep secrets, for the snapshot and the UI. */
export const fileSecretStorageStatus: SecretStorageStatus = { mode: 'private-file' };

const secretsFileSchema = z.object({
  version: z.literal(1),
  secrets: z.record(z.string(), z.string()),
});
type SecretsFile = z.output<typeof secretsFileSchema>;

export interface FileSecretStoreOptions extends FileStoreOptions {
  /** The atomic writer; replaceable so tests can make a write fail. */
  readonly write?: typeof writeFileAtomic;
}

/**
 * Secrets for the CLI and `rolecall web` in `<dir>/secrets.json`. This file is plaintext,
 * protected only by its permissions (0600 in a 0700 directory), exactly like the AWS CLI's
 * own ~/.aws/sso/cache: these shells have no OS keychain binding (the desktop app
 * encrypts with safeStorage instead). Every operation runs through one queue per file, so
 * overlapping `set` calls in a process never lose an update; writes are atomic.
 */
export class FileSecretStore implements SecretStore {
  readonly path: string;
  readonly status: SecretStorageStatus = fileSecretStorageStatus;
  /** Set when a corrupt secrets file was moved aside; cleared by a clean read. */
  lastLoadProblem: StoreProblem | undefined;
  private readonly queue: SerialQueue;
  private readonly write: typeof writeFileAtomic;

  constructor(
    private readonly dir: string,
    private readonly options: FileSecretStoreOptions = {},
  ) {
    this.path = join(dir, SECRETS_FILE_NAME);
    this.queue = serialQueueFor(this.path);
    this.write = options.write ?? writeFileAtomic;
  }

  /** One secret, or undefined. */
  get(key: string): Promise<string | undefined> {
    return this.queue(async () => {
      const file = await this.read();
      return Object.hasOwn(file.secrets, key) ? file.secrets[key] : undefined;
    });
  }

  /** Stores one secret (read-modify-write under the cross-process secrets lock). */
  set(key: string, value: string): Promise<void> {
    return this.patch(async () => {
      const file = await this.read();
      await this.persist({ version: 1, secrets: { ...file.secrets, [key]: value } });
    });
  }

  /** Removes one secret; no write when it is not there. */
  delete(key: string): Promise<void> {
    return this.patch(async () => {
      const file = await this.read();
      if (!Object.hasOwn(file.secrets, key)) return;
      const secrets = { ...file.secrets };
      delete secrets[key];
      await this.persist({ version: 1, secrets });
    });
  }

  /**
   * Every CLI run and `rolecall web` share this file: a change re-reads it inside a lock
   * that all of them take, so a token one process saves is never lost to another's write.
   * Reads need no lock (writes are atomic renames).
   */
  private patch(task: () => Promise<void>): Promise<void> {
    return withFileLock(this.dir, 'secrets', () => this.queue(task));
  }

  private async read(): Promise<SecretsFile> {
    let read;
    try {
      read = await readJsonFile(this.path, secretsFileSchema, this.options.now);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new RolecallError('internal', `Could not read Rolecall's secrets file ${this.path} (${code}); check its permissions.`, {
        cause: error,
      });
    }
    if (read.status === 'ok') {
      this.lastLoadProblem = undefined;
      await this.tightenMode();
      return read.value;
    }
    if (read.status === 'corrupt') {
      this.lastLoadProblem = {
        file: this.path,
        movedTo: read.movedTo,
        // V8's JSON.parse messages quote a slice of the text, which here may be a secret.
        reason: /JSON/.test(read.reason) ? 'not valid JSON' : read.reason,
        message: `Rolecall's saved sign-ins were unreadable and were moved to ${read.movedTo}; sign in again.`,
      };
      this.options.onProblem?.(this.lastLoadProblem);
    }
    return { version: 1, secrets: Object.create(null) as Record<string, string> };
  }

  private async persist(file: SecretsFile): Promise<void> {
    await ensurePrivateDir(this.dir);
    await this.write(this.path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  }

  /** A file copied in or restored from a backup may be group- or world-readable: fix that. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    const { mode } = await stat(this.path);
    if ((mode & 0o077) !== 0) await chmod(this.path, 0o600);
  }
}
