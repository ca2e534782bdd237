import type { SecretStorageStatus } from '../model/snapshot';

export type { SecretStorageStatus };

/**
 * Where tokens, client secrets and cached role credentials live. Three functions, so the
 * Electron adapter (safeStorage + electron-store), the CLI's private file and the
 * in-memory fallback are interchangeable.
 */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Set when the stored secrets were unreadable and moved aside: one sentence for the user. */
  readonly lastLoadProblem?: { readonly message: string };
}

/** Keeps secrets for the life of the process only. Also the test double. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}
