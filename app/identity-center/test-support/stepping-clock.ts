import type { Clock } from '../../ports/clock';

/**
 * A Clock for driver tests: every sleep is recorded and moves time forward by exactly what
 * was asked, after one turn of the event loop, so a flow that waits ten minutes finishes
 * in milliseconds and the test can read back the waits it made.
 */
export class SteppingClock implements Clock {
  readonly sleeps: number[] = [];
  /** Called at the start of each sleep (before time moves), e.g. to abort mid-wait. */
  onSleep: ((ms: number) => void) | undefined;

  constructor(private time = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): void {
    this.time += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.onSleep?.(ms);
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      setImmediate(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    this.time += Math.max(0, ms);
  }
}
