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
