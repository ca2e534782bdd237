import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ensurePrivateDir, readJsonFile, writeFileAtomic } from './atomic-file';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'rolecall-atomic-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes 0600 by default, replaces content whole, and leaves no temp file', async () => {
    const path = join(root, 'nested', 'file.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'nested'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(root, 'nested'))).toEqual(['file.json']);
  });

  it('cleans up its temp file when the final rename fails', async () => {
    // A directory in the target's place makes rename fail even for root.
    const path = join(root, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'keep'), 'x');
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow();
    expect(await readdir(root)).toEqual(['taken']);
    expect(await readFile(join(path, 'keep'), 'utf8')).toBe('x');
  });
});

describe('ensurePrivateDir', () => {
  it('tightens an existing directory to 0700', async () => {
    const dir = join(root, 'loose');
    await mkdir(dir, { mode: 0o755 });
    await ensurePrivateDir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
});

describe('readJsonFile', () => {
  const schema = z.object({ n: z.number() });
  it('reads valid files, reports missing ones, and moves corrupt ones aside', async () => {
    const path = join(root, 'data.json');
    expect(await readJsonFile(path, schema)).toEqual({ status: 'missing' });
    await writeFile(path, '{"n": 1}');
    expect(await readJsonFile(path, schema)).toEqual({ status: 'ok', value: { n: 1 } });
    await writeFile(path, '{"n": "one"}');
    const read = await readJsonFile(path, schema, () => Date.UTC(2025, 0, 1));
    expect(read).toMatchObject({ status: 'corrupt', movedTo: `${path}.corrupt-2025-01-01T00-00-00-000Z` });
    expect(read.status === 'corrupt' && read.reason).toMatch(/^n: /);
    expect(await readdir(root)).toEqual(['data.json.corrupt-2025-01-01T00-00-00-000Z']);
  });
});
