import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockName, withFileLock } from './file-lock';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecall-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const runChild = (args: readonly string[]): Promise<number | null> =>
  new Promise((done, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'test-support/lock-counter.ts'), ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });

describe('withFileLock', () => {
  it('serialises read-modify-writes across processes: 4 processes × 25 increments lose none', async () => {
    const codes = await Promise.all(Array.from({ length: 4 }, () => runChild([dir, '25'])));
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(await readFile(join(dir, 'counter'), 'utf8')).toBe('100');
  }, 120_000);

  it('serialises callers in one process too, and releases the lock when the task throws', async () => {
    const order: string[] = [];
    const slow = withFileLock(dir, 'x', async () => {
      order.push('a:start');
      await new Promise((r) => setTimeout(r, 30));
      order.push('a:end');
    });
    const failing = withFileLock(dir, 'x', async () => {
      order.push('b');
      throw new Error('boom');
    });
    const after = withFileLock(dir, 'x', async () => order.push('c'));
    await slow;
    await expect(failing).rejects.toThrow('boom');
    await after;
    expect(order).toEqual(['a:start', 'a:end', 'b', 'c']);
    await expect(stat(join(dir, 'x.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock left by a killed process once it is older than the stale bound', async () => {
    // What a process killed while holding the lock leaves behind: the lock directory, no longer touched.
    await mkdir(join(dir, 'token.lock'));
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, 'token.lock'), old, old);
    await expect(withFileLock(dir, 'token', async () => 'ran', { staleMs: 5_000 })).resolves.toBe('ran');
  });

  it('gives up waiting when its signal aborts, without taking the lock or running the task', async () => {
    // Another process holds the lock (a fresh lock directory): this caller retries until aborted.
    await mkdir(join(dir, 'token.lock'));
    const stopping = new AbortController();
    let ran = false;
    const waiting = withFileLock(dir, 'token', async () => void (ran = true), { signal: stopping.signal });
    // Long enough for a few attempts, so the abort lands in a retry's wait.
    await new Promise((resolve) => setTimeout(resolve, 100));
    stopping.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    expect(ran).toBe(false);
    // The holder's lock is untouched, and a caller already aborted touches nothing at all.
    expect((await stat(join(dir, 'token.lock'))).isDirectory()).toBe(true);
    await expect(withFileLock(join(dir, 'never'), 'token', async () => 'ran', { signal: stopping.signal })).rejects.toThrow('stopping');
    await expect(stat(join(dir, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names locks safely for any key', () => {
    expect(lockName('role', 'inst/111111111111/Admin')).toMatch(/^role-[0-9a-f]{24}$/);
    expect(lockName('role', 'a')).not.toBe(lockName('role', 'b'));
  });
});
