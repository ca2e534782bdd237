import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { Shutdown } from './shutdown';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Shutdown', () => {
  it('aborts, waits for every tracked flow, and closes only once they settled', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const logs: string[] = [];
    const shutdown = new Shutdown(clock, (line) => void logs.push(line), 5_000);
    let finish: () => void = () => undefined;
    const flow = shutdown.track(
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
      'a flow',
    );
    let stopped = false;
    const stopping = shutdown.stop().then(() => {
      stopped = true;
    });
    expect(shutdown.signal.aborted).toBe(true);
    expect(shutdown.closed).toBe(false);
    expect(() => shutdown.throwIfStopped()).toThrow('Rolecall is stopping; the work was cancelled.');
    // A flow that was already past its request may still write while stop() waits.
    expect(() => shutdown.throwIfClosed()).not.toThrow();
    await turn();
    expect(stopped).toBe(false);
    finish();
    await flow;
    await stopping;
    expect(shutdown.closed).toBe(true);
    expect(shutdown.closedSignal.aborted).toBe(true);
    expect(() => shutdown.throwIfClosed()).toThrow(expect.objectContaining({ code: 'sign-in-cancelled' }));
    expect(logs).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('gives up on a flow that ignores the signal after the bound, on the clock, and names it', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const logs: string[] = [];
    const shutdown = new Shutdown(clock, (line) => void logs.push(line), 5_000);
    shutdown.track(new Promise<void>(() => undefined), 'the sign-in to Acme');
    shutdown.track(Promise.reject(new Error('failed flows count as settled')), 'a failed flow').catch(() => undefined);
    let stopped = false;
    const stopping = shutdown.stop().then(() => {
      stopped = true;
    });
    await clock.advanceAndSettle(4_999);
    expect(stopped).toBe(false);
    await clock.advanceAndSettle(1);
    await stopping;
    expect(shutdown.closed).toBe(true);
    expect(logs).toEqual([
      'Rolecall stopped without waiting longer for: the sign-in to Acme (still running after 5 s; it writes nothing more).',
    ]);
    // Twice is the same stop.
    await shutdown.stop();
    expect(logs).toHaveLength(1);
  });

  it('returns at once when nothing runs', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const shutdown = new Shutdown(clock, () => undefined);
    await shutdown.stop();
    expect(shutdown.closed).toBe(true);
    expect(clock.sleeps).toEqual([]);
  });
});
