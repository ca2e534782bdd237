import { describe, expect, it } from 'vitest';
import { AdjustableClock } from './adjustable-clock';

describe('AdjustableClock', () => {
  it('moves now() forward and wakes sleepers whose deadline passed', async () => {
    const clock = new AdjustableClock();
    const before = clock.now();
    let woke = false;
    const sleeping = clock.sleep(60 * 60_000).then(() => {
      woke = true;
    });
    clock.advance(30 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(woke).toBe(false);
    clock.advance(30 * 60_000);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now() - before).toBeGreaterThanOrEqual(60 * 60_000);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new AdjustableClock();
    const abort = new AbortController();
    const sleeping = clock.sleep(10_000, abort.signal);
    abort.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
  });
});

describe('AdjustableClock from a frozen start', () => {
  it("'step': each sleep is recorded and moves time by exactly what was asked", async () => {
    const clock = new AdjustableClock({ start: Date.UTC(2025, 0, 1), sleeps: 'step' });
    await clock.sleep(600_000);
    await clock.sleep(5_000);
    expect(clock.now()).toBe(Date.UTC(2025, 0, 1) + 605_000);
    expect(clock.sleeps).toEqual([600_000, 5_000]);
  });

  it("'step': onSleep can abort the sleep it announces", async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'step' });
    const abort = new AbortController();
    clock.onSleep = () => abort.abort(new Error('user pressed cancel'));
    await expect(clock.sleep(5_000, abort.signal)).rejects.toThrow('user pressed cancel');
    expect(clock.now()).toBe(0);
  });

  it("'manual': time stands still, and advance() wakes exactly the sleepers it passes", async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const woke: number[] = [];
    void clock.sleep(10_000).then(() => woke.push(10_000));
    void clock.sleep(30_000).then(() => woke.push(30_000));
    expect(clock.pending).toBe(2);
    await clock.advanceAndSettle(29_999);
    expect(woke).toEqual([10_000]);
    await clock.advanceAndSettle(1);
    expect(woke).toEqual([10_000, 30_000]);
    expect(clock.now()).toBe(30_000);
  });

  it("'manual': runUntil() wakes sleepers in deadline order, moving time to each, and is bounded", async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const order: string[] = [];
    const sleeper = async (name: string, ms: number) => {
      await clock.sleep(ms);
      order.push(`${name}@${clock.now()}`);
    };
    void sleeper('b', 2_000);
    void sleeper('a', 1_000);
    void sleeper('c', 2_000);
    await clock.runUntil(() => order.length === 3);
    expect(order).toEqual(['a@1000', 'b@2000', 'c@2000']);
    await expect(clock.runUntil(() => false)).rejects.toThrow('nothing left to run');
  });

  it("'manual': an aborted sleep leaves the queue", async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const abort = new AbortController();
    const sleeping = clock.sleep(10_000, abort.signal);
    abort.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });
});
