import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Directory } from '../model/roles';
import { DirectoryCache, isStale } from './directory-cache';

const sample = (instanceId: string, syncedAt = 1_700_000_000_000): Directory => ({
  instanceId,
  syncedAt,
  accounts: [
    { accountId: '111122223333', accountName: 'dev', emailAddress: 'dev@example.com', roles: ['Admin', 'ReadOnly'] },
    { accountId: '444455556666', accountName: 'prod', emailAddress: 'prod@example.com', roles: [] },
  ],
  failedAccounts: [{ accountId: '444455556666', message: 'AWS is throttling requests right now; wait a moment and try again.' }],
});

describe('DirectoryCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-dircache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a directory, one private file per instance', async () => {
    const cache = new DirectoryCache(dir);
    await cache.save(sample('work'));
    await cache.save(sample('home', 42));
    expect(await cache.load('work')).toEqual({ directory: sample('work') });
    expect(await cache.load('home')).toEqual({ directory: sample('home', 42) });
    expect((await readdir(join(dir, 'directories'))).sort()).toEqual(['home.json', 'work.json']);
    expect((await stat(join(dir, 'directories', 'work.json'))).mode & 0o777).toBe(0o600);
  });

  it('reports nothing for an instance never synced, and forgets a removed one', async () => {
    const cache = new DirectoryCache(dir);
    expect(await cache.load('work')).toEqual({});
    await cache.save(sample('work'));
    await cache.remove('work');
    await cache.remove('work');
    expect(await cache.load('work')).toEqual({});
  });

  it('moves a corrupt file aside, reports where, and keeps its bytes', async () => {
    const cache = new DirectoryCache(dir, () => Date.UTC(2025, 0, 2, 3, 4, 5));
    await cache.save(sample('work'));
    const path = join(dir, 'directories', 'work.json');
    await writeFile(path, '{"version":1,"directory":{"instanceId":"work","accounts":[{"accountId":"12"');
    const loaded = await cache.load('work');
    expect(loaded.directory).toBeUndefined();
    expect(loaded.corrupt?.movedTo).toBe(`${path}.corrupt-2025-01-02T03-04-05-000Z`);
    expect(loaded.corrupt?.reason).toMatch(/JSON/);
    expect(await readFile(loaded.corrupt?.movedTo ?? '', 'utf8')).toContain('"accountId":"12"');
    expect(await cache.load('work')).toEqual({});
    await cache.save(sample('work'));
    expect((await cache.load('work')).directory?.accounts).toHaveLength(2);
  });

  it('treats valid JSON of the wrong shape, or of another instance, as corrupt', async () => {
    const cache = new DirectoryCache(dir);
    const path = join(dir, 'directories', 'work.json');
    await cache.save(sample('work'));
    await writeFile(path, JSON.stringify({ version: 1, directory: { ...sample('work'), accounts: [{ accountId: 'nope' }] } }));
    expect((await cache.load('work')).corrupt?.reason).toMatch(/accounts/);
    await cache.save(sample('home'));
    await writeFile(path, await readFile(join(dir, 'directories', 'home.json'), 'utf8'));
    const wrong = await cache.load('work');
    expect(wrong.corrupt?.reason).toMatch(/home/);
    expect(wrong.corrupt?.movedTo).toMatch(/work\.json\.corrupt-/);
  });

  it('refuses an instance id that would escape the cache directory', async () => {
    const cache = new DirectoryCache(dir);
    await expect(cache.load('../../etc/passwd')).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(cache.save(sample('../x'))).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('calls a directory stale after a day', () => {
    const directory = sample('work', 1_000);
    expect(isStale(directory, 1_000 + 24 * 3_600_000)).toBe(false);
    expect(isStale(directory, 1_001 + 24 * 3_600_000)).toBe(true);
    expect(isStale(directory, 1_000 + 61_000, 60_000)).toBe(true);
  });
});
