import { describe, expect, it, vi } from 'vitest';
import { createFakeElectron } from '../testing/fake-electron';
import { SafeStorageSecretStore } from './safe-storage-secret-store';
import type { KeyValueStore } from './safe-storage-secret-store';
import type { SecretStorageMode } from './secret-storage-policy';

class MapStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get(key: string): unknown {
    return this.data.get(key);
  }
  set(key: string, value: unknown): void {
    this.data.set(key, structuredClone(value));
  }
  delete(key: string): void {
    this.data.delete(key);
  }
}

const open = (
  store: MapStore,
  safeStorage = createFakeElectron().safeStorage,
  platform: NodeJS.Platform = 'linux',
  mode: SecretStorageMode = 'auto',
) => {
  const log = { warn: vi.fn<(message: string) => void>() };
  return { secrets: new SafeStorageSecretStore({ safeStorage, store, platform, mode, log, now: () => 1_000 }), log, safeStorage };
};

describe('SafeStorageSecretStore', () => {
  it('round-trips secrets encrypted at rest, across restarts', async () => {
    const store = new MapStore();
    const { secrets, safeStorage } = open(store);
    expect(secrets.status).toEqual({ mode: 'encrypted' });
    await secrets.set('token:acme', 'refresh-token-value');
    const onDisk = JSON.stringify(Object.fromEntries(store.data));
    expect(onDisk).not.toContain('refresh-token-value');
    expect(store.get('backend')).toBe('gnome_libsecret');

    const restarted = open(store, safeStorage).secrets;
    expect(await restarted.get('token:acme')).toBe('refresh-token-value');
    await restarted.delete('token:acme');
    expect(await restarted.get('token:acme')).toBeUndefined();
    expect(store.get('secrets')).toEqual({});
  });

  it('refuses the basic_text backend: memory only, nothing written, one sentence', async () => {
    const store = new MapStore();
    const safeStorage = createFakeElectron().safeStorage;
    safeStorage.backend = 'basic_text';
    const { secrets } = open(store, safeStorage);
    expect(secrets.status.mode).toBe('memory-only');
    expect(secrets.status.message).toMatch(/keyring.*memory only/);
    expect(secrets.status.message!.split('. ')).toHaveLength(1);
    await secrets.set('token:acme', 'kept-in-memory');
    expect(await secrets.get('token:acme')).toBe('kept-in-memory');
    expect(store.data.size).toBe(0);
  });

  it('refuses when encryption is unavailable, and when forced to memory-only', async () => {
    const unavailable = createFakeElectron().safeStorage;
    unavailable.available = false;
    expect(open(new MapStore(), unavailable, 'darwin').secrets.status.mode).toBe('memory-only');
    const forced = open(new MapStore(), createFakeElectron().safeStorage, 'linux', 'memory-only');
    expect(forced.secrets.status.mode).toBe('memory-only');
  });

  it('accepts basic_text only when a test forces encrypted mode', () => {
    const safeStorage = createFakeElectron().safeStorage;
    safeStorage.backend = 'basic_text';
    expect(open(new MapStore(), safeStorage, 'linux', 'encrypted').secrets.status).toEqual({ mode: 'encrypted' });
  });

  it('treats a keyring change as an event: old secrets set aside and reported, not silently lost', async () => {
    const store = new MapStore();
    const first = open(store);
    await first.secrets.set('token:acme', 'old-token');
    const stored = store.get('secrets');

    const kwallet = createFakeElectron().safeStorage;
    kwallet.backend = 'kwallet5';
    const { secrets, log } = open(store, kwallet);
    expect(secrets.backendChange).toEqual({ from: 'gnome_libsecret', to: 'kwallet5' });
    expect(secrets.status.mode).toBe('encrypted');
    expect(secrets.status.message).toContain('gnome_libsecret → kwallet5');
    expect(await secrets.get('token:acme')).toBeUndefined();
    expect(store.get('previousBackend')).toEqual({ backend: 'gnome_libsecret', secrets: stored, stashedAt: 1_000 });
    expect(store.get('backend')).toBe('kwallet5');
    expect(log.warn.mock.calls.join('\n')).not.toContain('old-token');

    await secrets.set('token:acme', 'new-token');
    expect(await open(store, kwallet).secrets.get('token:acme')).toBe('new-token');
  });

  it('reports an unreadable ciphertext as absent without logging its value', async () => {
    const store = new MapStore();
    store.set('backend', 'gnome_libsecret');
    store.set('secrets', { 'token:acme': Buffer.from('garbage').toString('base64') });
    const { secrets, log } = open(store);
    expect(await secrets.get('token:acme')).toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('"token:acme"'));
  });

  it('keeps a secret in memory when the keyring fails mid-session', async () => {
    const store = new MapStore();
    const { secrets, safeStorage } = open(store);
    safeStorage.available = false;
    await secrets.set('token:acme', 'session-only');
    expect(await secrets.get('token:acme')).toBe('session-only');
    expect(JSON.stringify(Object.fromEntries(store.data))).not.toContain('session-only');
  });
});
