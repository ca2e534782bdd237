import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../ports/secret-store';
import type { RoleCredentials } from '../model/tokens';
import { CREDENTIAL_PROCESS_KEY_NAME, CREDENTIAL_PROCESS_MARGIN_MS, CredentialProcessCache } from './credential-process-cache';

const ref = { instanceId: 'corp', accountId: '111122223333', roleName: 'Admin' } as const;
const other = { instanceId: 'lab', accountId: '444455556666', roleName: 'ReadOnly' } as const;
const T0 = Date.UTC(2025, 0, 1, 12);

const creds = (expiration: number, id = 'ASIAEXAMPLEKEY000001'): RoleCredentials => ({
  accessKeyId: id,
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjSESSIONTOKENVALUE',
  expiration,
});

let dir: string;
let secrets: MemorySecretStore;
let now: number;
const cacheOf = (store = secrets) => new CredentialProcessCache({ dir, secrets: store, now: () => now });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-cp-cache-'));
  secrets = new MemorySecretStore();
  now = T0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CredentialProcessCache', () => {
  it('serves stored credentials to a new cache object (a new process) until the safety margin', async () => {
    const stored = creds(T0 + 60 * 60_000);
    await cacheOf().put(ref, stored);
    expect(await cacheOf().get(ref)).toEqual(stored);
    expect(await cacheOf().get(other)).toBeUndefined();

    now = stored.expiration - CREDENTIAL_PROCESS_MARGIN_MS + 1;
    expect(await cacheOf().get(ref)).toBeUndefined();
    now = stored.expiration - CREDENTIAL_PROCESS_MARGIN_MS - 1;
    expect(await cacheOf().get(ref)).toEqual(stored);
  });

  it('writes one private, encrypted file: no key, secret or token in it, and a fresh IV each write', async () => {
    const stored = creds(T0 + 60 * 60_000);
    await cacheOf().put(ref, stored);
    const cache = cacheOf();
    const first = await readFile(cache.path, 'utf8');
    expect((await stat(cache.path)).mode & 0o777).toBe(0o600);
    for (const secret of [stored.accessKeyId, stored.secretAccessKey, stored.sessionToken, ref.accountId, ref.roleName])
      expect(first).not.toContain(secret);
    expect(first).not.toContain((await secrets.get(CREDENTIAL_PROCESS_KEY_NAME))!);
    expect(Buffer.from((await secrets.get(CREDENTIAL_PROCESS_KEY_NAME))!, 'base64')).toHaveLength(32);

    await cache.put(ref, stored);
    const second = await readFile(cache.path, 'utf8');
    expect(JSON.parse(second).iv).not.toBe(JSON.parse(first).iv);
  });

  it('treats a file it cannot decrypt (another key, tampered, corrupt) as empty and rewrites it', async () => {
    const stored = creds(T0 + 60 * 60_000);
    await cacheOf().put(ref, stored);
    const path = cacheOf().path;

    // The same file with another secrets store (e.g. restored from a backup onto another machine).
    expect(await cacheOf(new MemorySecretStore()).get(ref)).toBeUndefined();

    const envelope = JSON.parse(await readFile(path, 'utf8')) as { data: string };
    const bytes = Buffer.from(envelope.data, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(path, JSON.stringify({ ...envelope, data: bytes.toString('base64') }));
    expect(await cacheOf().get(ref)).toBeUndefined();

    await writeFile(path, '{not json');
    expect(await cacheOf().get(ref)).toBeUndefined();
    const replacement = creds(T0 + 30 * 60_000, 'ASIAEXAMPLEKEY000002');
    await cacheOf().put(other, replacement);
    expect(await cacheOf().get(other)).toEqual(replacement);
    expect(await cacheOf().get(ref)).toBeUndefined();
  });

  it('a lost key makes the old file unreadable; the next put starts over with a new key', async () => {
    await cacheOf().put(ref, creds(T0 + 60 * 60_000));
    const oldKey = await secrets.get(CREDENTIAL_PROCESS_KEY_NAME);
    await secrets.delete(CREDENTIAL_PROCESS_KEY_NAME);
    expect(await cacheOf().get(ref)).toBeUndefined();
    await cacheOf().put(other, creds(T0 + 60 * 60_000));
    expect(await secrets.get(CREDENTIAL_PROCESS_KEY_NAME)).not.toBe(oldKey);
    expect(await cacheOf().get(other)).toBeDefined();
    expect(await cacheOf().get(ref)).toBeUndefined();
  });

  it('drops expired entries on write and forgets one instance without touching the others', async () => {
    await cacheOf().put(ref, creds(T0 + 10 * 60_000));
    await cacheOf().put(other, creds(T0 + 60 * 60_000));
    now = T0 + 9 * 60_000;
    const third = { ...ref, roleName: 'Billing' };
    await cacheOf().put(third, creds(T0 + 70 * 60_000));
    now = T0;
    // Written after it fell inside the margin, so it is gone even for an earlier clock.
    expect(await cacheOf().get(ref)).toBeUndefined();

    await cacheOf().forgetInstance('corp');
    expect(await cacheOf().get(third)).toBeUndefined();
    expect(await cacheOf().get(other)).toBeDefined();
  });

  it('overlapping puts in one process keep every entry', async () => {
    const cache = cacheOf();
    const roles = ['A', 'B', 'C', 'D', 'E'].map((roleName) => ({ ...ref, roleName }));
    await Promise.all(roles.map((role, i) => cache.put(role, creds(T0 + 60 * 60_000, `ASIAEXAMPLEKEY00000${i}`))));
    const found = await Promise.all(roles.map((role) => cacheOf().get(role)));
    expect(found.map((entry) => entry?.accessKeyId)).toEqual(roles.map((_, i) => `ASIAEXAMPLEKEY00000${i}`));
  });
});
