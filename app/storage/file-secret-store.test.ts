import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file';
import { FileSecretStore, fileSecretStorageStatus } from './file-secret-store';
import type { StoreProblem } from './store-problem';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rolecall-secrets-'));
  dir = join(root, 'rolecall');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('FileSecretStore', () => {
  it('says it keeps secrets in a private file', () => {
    expect(fileSecretStorageStatus).toEqual({ mode: 'private-file' });
    expect(new FileSecretStore(dir).status).toEqual({ mode: 'private-file' });
  });

  it('sets, gets and deletes secrets in a 0600 file inside a 0700 directory', async () => {
    const store = new FileSecretStore(dir);
    expect(await store.get('token:work')).toBeUndefined();
    await store.set('token:work', '{"accessToken":"at"}');
    await store.set('registration:work', 'client-secret');
    expect(await new FileSecretStore(dir).get('token:work')).toBe('{"accessToken":"at"}');
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    await store.delete('token:work');
    expect(await store.get('token:work')).toBeUndefined();
    expect(await store.get('registration:work')).toBe('client-secret');
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({ version: 1, secrets: { 'registration:work': 'client-secret' } });
    expect(await store.get('toString')).toBeUndefined();
  });

  it('keeps every update when many sets overlap, even from two store objects, and leaves no temp files', async () => {
    const a = new FileSecretStore(dir);
    const b = new FileSecretStore(dir);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).set(`key-${i}`, `value-${i}`)));
    const secrets = JSON.parse(await readFile(a.path, 'utf8')).secrets;
    expect(Object.keys(secrets)).toHaveLength(40);
    for (let i = 0; i < 40; i += 1) expect(secrets[`key-${i}`]).toBe(`value-${i}`);
    expect(await readdir(dir)).toEqual(['secrets.json']);
  });

  it('leaves the old file intact when a write fails, and keeps working afterwards', async () => {
    await new FileSecretStore(dir).set('token:work', 'old');
    const before = await readFile(join(dir, 'secrets.json'), 'utf8');
    let fail = true;
    const store = new FileSecretStore(dir, {
      write: async (path, data, options) => {
        if (fail) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return writeFileAtomic(path, data, options);
      },
    });
    await expect(store.set('token:work', 'new')).rejects.toThrow('ENOSPC');
    expect(await readFile(join(dir, 'secrets.json'), 'utf8')).toBe(before);
    expect(await store.get('token:work')).toBe('old');
    fail = false;
    await store.set('token:work', 'new');
    expect(await store.get('token:work')).toBe('new');
  });

  it('moves a corrupt file aside, reports it, and starts empty', async () => {
    await new FileSecretStore(dir).set('token:work', 'secret-value');
    await writeFile(join(dir, 'secrets.json'), '{"version":1,"secrets":{"token:work": 42}}');
    const problems: StoreProblem[] = [];
    const store = new FileSecretStore(dir, { onProblem: (problem) => problems.push(problem), now: () => Date.UTC(2025, 0, 1) });
    expect(await store.get('token:work')).toBeUndefined();
    const movedTo = join(dir, 'secrets.json.corrupt-2025-01-01T00-00-00-000Z');
    expect(store.lastLoadProblem).toMatchObject({
      movedTo,
      message: `Rolecall's saved sign-ins were unreadable and were moved to ${movedTo}; sign in again.`,
    });
    expect(problems).toHaveLength(1);
    expect(store.lastLoadProblem?.reason).not.toContain('42');
    expect(await readFile(movedTo, 'utf8')).toContain('"token:work": 42');
    await store.set('token:work', 'fresh');
    expect(await store.get('token:work')).toBe('fresh');
    expect(store.lastLoadProblem).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['secrets.json', 'secrets.json.corrupt-2025-01-01T00-00-00-000Z']);
  });

  it('never puts secret text from a broken file into the problem report', async () => {
    await new FileSecretStore(dir).set('k', 'v');
    await writeFile(join(dir, 'secrets.json'), 'supersecretvalue-not-json');
    const store = new FileSecretStore(dir);
    expect(await store.get('k')).toBeUndefined();
    expect(store.lastLoadProblem?.reason).toBe('not valid JSON');
    expect(JSON.stringify(store.lastLoadProblem)).not.toContain('supersecret');
  });

  it('tightens a secrets file that became readable by others', async () => {
    const store = new FileSecretStore(dir);
    await store.set('k', 'v');
    await chmod(store.path, 0o644);
    expect(await store.get('k')).toBe('v');
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });
});
