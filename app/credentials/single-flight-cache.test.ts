import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { SingleFlightCache } from './single-flight-cache';

const MINUTE = 60_000;

/** A load that stays pending until released, so a test decides when each call answers. */
const controlledLoads = (clock: AdjustableClock, ttlMs = 60 * MINUTE) => {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let calls = 0;
  const load = () => {
    calls += 1;
    const value = { n: calls, expiration: clock.now() + ttlMs };
    return new Promise<typeof value>((resolve, reject) => {
      pending.push({ resolve: () => resolve(value), reject });
    });
  };
  return { load, pending, calls: () => calls };
};

const setUp = () => {
  const clock = new AdjustableClock({ start: Date.UTC(2025, 0, 1), sleeps: 'manual' });
  let changes = 0;
  const cache = new SingleFlightCache<{ n: number; expiration: number }, string>({
    clock,
    marginMs: 5 * MINUTE,
    onChange: () => void (changes += 1),
  });
  return { clock, cache, changes: () => changes, ...controlledLoads(clock) };
};

describe('SingleFlightCache', () => {
  it('shares one load between concurrent gets of a key, holds the answer until the margin, then loads again', async () => {
    const { clock, cache, load, pending, calls, changes } = setUp();
    const a = cache.get('k', 'i1', load);
    const b = cache.get('k', 'i1', load);
    expect(calls()).toBe(1);
    pending[0]!.resolve();
    expect(await a).toEqual(await b);
    expect(changes()).toBe(1);
    expect((await cache.get('k', 'i1', load)).n).toBe(1);
    expect(calls()).toBe(1);
    clock.advance(56 * MINUTE); // 4 minutes left: inside the margin.
    expect(cache.peek('k')?.n).toBe(1);
    const again = cache.get('k', 'i1', load);
    expect(calls()).toBe(2);
    pending[1]!.resolve();
    expect((await again).n).toBe(2);
  });

  it('keeps nothing from a load that failed, and the next get loads again', async () => {
    const { cache, load, pending, calls, changes } = setUp();
    const failed = cache.get('k', 'i1', load);
    pending[0]!.reject(new Error('denied'));
    await expect(failed).rejects.toThrow('denied');
    expect(cache.peek('k')).toBeUndefined();
    expect(changes()).toBe(0);
    const retried = cache.get('k', 'i1', load);
    pending[1]!.resolve();
    expect((await retried).n).toBe(2);
    expect(calls()).toBe(2);
  });

  it('a forget while the load runs wins: its callers get the answer, the cache does not keep it', async () => {
    const { cache, load, pending, changes } = setUp();
    const running = cache.get('k', 'i1', load);
    cache.forget('k');
    pending[0]!.resolve();
    expect((await running).n).toBe(1);
    expect(cache.peek('k')).toBeUndefined();
    expect(changes()).toBe(0);
    const other = cache.get('x', 'i2', load);
    cache.forgetWhere((tag) => tag === 'i2');
    pending[1]!.resolve();
    await other;
    expect(cache.peek('x')).toBeUndefined();
  });

  it('forgets by tag, notifying once only when something was held, and lists the live values with their tags', async () => {
    const { clock, cache, load, pending, changes } = setUp();
    const gets = [cache.get('a', 'i1', load), cache.get('b', 'i1', load), cache.get('c', 'i2', load)];
    for (const p of pending) p.resolve();
    await Promise.all(gets);
    expect(changes()).toBe(3);
    expect(cache.live().map((entry) => entry.tag)).toEqual(['i1', 'i1', 'i2']);
    cache.forgetWhere((tag) => tag === 'i1');
    expect(changes()).toBe(4);
    cache.forgetWhere((tag) => tag === 'i1');
    cache.forget('a');
    expect(changes()).toBe(4);
    expect(cache.live().map((entry) => entry.value.n)).toEqual([3]);
    clock.advance(61 * MINUTE);
    expect(cache.peek('c')).toBeUndefined();
    expect(cache.live()).toEqual([]);
  });
});
