import type { SecretStorageStatus } from '../../app/ports/secret-store';

/** The slice of Electron's `safeStorage` the secret store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

/** 'auto' decides from the platform's keyring; the others are forced (tests, ROLECALL_SECRET_STORAGE). */
export type SecretStorageMode = 'auto' | 'encrypted' | 'memory-only';

export type StorageDecision =
  | { readonly persist: true; readonly backend: string }
  | { readonly persist: false; readonly backend: string; readonly status: SecretStorageStatus };

/** Linux backends that encrypt with a key kept in plaintext next to the data, or that we cannot name. */
const REFUSED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

const memoryOnly = (backend: string, message: string): StorageDecision => ({
  persist: false,
  backend,
  status: { mode: 'memory-only', message },
});

/**
 * Decides whether secrets may be written to disk. Only with a real OS keyring: a Linux
 * desktop without one makes safeStorage fall back to `basic_text`, a hard-coded key,
 * which would be encryption in name only, so Rolecall keeps secrets in memory instead and
 * says so, rather than downgrading silently.
 */
export const decideSecretStorage = (safeStorage: SafeStorageLike, platform: NodeJS.Platform, mode: SecretStorageMode): StorageDecision => {
  const backend =
    platform === 'linux' ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : platform === 'darwin' ? 'keychain' : 'dpapi';
  if (mode === 'memory-only') {
    return memoryOnly(backend, 'Rolecall was asked to keep sign-ins in memory only, so you will sign in again after a restart.');
  }
  if (!safeStorage.isEncryptionAvailable()) {
    return memoryOnly(
      backend,
      'Your system keyring is not available, so Rolecall keeps sign-ins in memory only and you will sign in again after a restart.',
    );
  }
  if (mode === 'auto' && platform === 'linux' && REFUSED_LINUX_BACKENDS.has(backend)) {
    return memoryOnly(
      backend,
      'No desktop keyring (such as GNOME Keyring or KWallet) is available, so Rolecall keeps sign-ins in memory only and you will sign in again after a restart.',
    );
  }
  return { persist: true, backend };
};
