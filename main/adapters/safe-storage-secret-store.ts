import { MemorySecretStore } from '../../app/ports/secret-store';
import type { SecretStorageStatus, SecretStore } from '../../app/ports/secret-store';
import { decideSecretStorage } from './secret-storage-policy';
import type { SafeStorageLike, SecretStorageMode } from './secret-storage-policy';

/** The slice of an electron-store instance the secret store uses. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Secrets encrypted by a keyring that is no longer the selected one, kept in case it returns. */
interface Stash {
  readonly backend: string;
  readonly secrets: Readonly<Record<string, string>>;
  readonly stashedAt: number;
}

export interface SecretStoreOptions {
  readonly safeStorage: SafeStorageLike;
  readonly store: KeyValueStore;
  readonly platform: NodeJS.Platform;
  readonly mode: SecretStorageMode;
  readonly log: { warn(message: string): void };
  readonly now?: () => number;
}

const SECRETS_KEY = 'secrets';
const BACKEND_KEY = 'backend';
const STASH_KEY = 'previousBackend';

const readMap = (value: unknown): Record<string, string> =>
  value && typeof value === 'object'
    ? Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      )
    : {};

/**
 * Secrets in electron-store, each value the base64 of `safeStorage.encryptString`. The
 * keyring backend that encrypted them is recorded: when it changes (a Linux session that
 * used KWallet now gets GNOME Keyring), the old ciphertexts cannot be read, so they are
 * stashed (not deleted), the change is reported, and the user signs in once more.
 * When the keyring is refused (see secret-storage-policy), nothing is written at all.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly status: SecretStorageStatus;
  /** Set when the keyring differs from the one that wrote the stored secrets. */
  readonly backendChange?: { readonly from: string; readonly to: string };
  private readonly memory = new MemorySecretStore();
  private persist: boolean;
  private readonly options: SecretStoreOptions;

  constructor(options: SecretStoreOptions) {
    this.options = options;
    const decision = decideSecretStorage(options.safeStorage, options.platform, options.mode);
    this.persist = decision.persist;
    if (!decision.persist) {
      this.status = decision.status;
      return;
    }
    const recorded = options.store.get(BACKEND_KEY);
    const stored = readMap(options.store.get(SECRETS_KEY));
    if (typeof recorded === 'string' && recorded !== decision.backend && Object.keys(stored).length > 0) {
      const stash: Stash = { backend: recorded, secrets: stored, stashedAt: (options.now ?? Date.now)() };
      options.store.set(STASH_KEY, stash);
      options.store.set(SECRETS_KEY, {});
      this.backendChange = { from: recorded, to: decision.backend };
      options.log.warn(`Secret storage: the keyring changed from ${recorded} to ${decision.backend}; stored sign-ins were set aside.`);
      this.status = {
        mode: 'encrypted',
        message: `Your keyring changed (${recorded} → ${decision.backend}), so Rolecall could not read your saved sign-ins; sign in again once.`,
      };
    } else {
      this.status = { mode: 'encrypted' };
    }
    options.store.set(BACKEND_KEY, decision.backend);
  }

  async get(key: string): Promise<string | undefined> {
    const inMemory = await this.memory.get(key);
    if (inMemory !== undefined || !this.persist) return inMemory;
    const encoded = readMap(this.options.store.get(SECRETS_KEY))[key];
    if (encoded === undefined) return undefined;
    try {
      return this.options.safeStorage.decryptString(Buffer.from(encoded, 'base64'));
    } catch {
      // The key name says what it was for (e.g. "token:acme"), never the value.
      this.options.log.warn(`Secret storage: could not decrypt "${key}"; treating it as absent.`);
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    if (!this.persist) return this.memory.set(key, value);
    let encoded: string;
    try {
      encoded = this.options.safeStorage.encryptString(value).toString('base64');
    } catch {
      // A keyring locked mid-session: keep this secret for the session rather than write it in clear.
      this.options.log.warn(`Secret storage: encryption failed for "${key}"; keeping it in memory for this session.`);
      return this.memory.set(key, value);
    }
    this.options.store.set(SECRETS_KEY, { ...readMap(this.options.store.get(SECRETS_KEY)), [key]: encoded });
    await this.memory.delete(key);
  }

  async delete(key: string): Promise<void> {
    await this.memory.delete(key);
    if (!this.persist) return;
    const secrets = readMap(this.options.store.get(SECRETS_KEY));
    if (!(key in secrets)) return;
    delete secrets[key];
    this.options.store.set(SECRETS_KEY, secrets);
  }
}
