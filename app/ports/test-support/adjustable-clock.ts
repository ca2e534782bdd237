import type { Clock } from '../clock';

/**
 * Real time plus an offset that tests move forward: "two hours later" without waiting, while
 * everything else (HTTP, timers between steps) keeps running for real. Sleepers wake early
 * when the clock jumps past their deadline.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private readonly sleepers = new Set<{ deadline: number; wake: () => void }>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Jumps forward by `ms` and wakes every sleeper whose deadline has now passed. */
  advance(ms: number): void {
    this.offsetMs += ms;
    const now = this.now();
    for (const sleeper of [...this.sleepers]) if (sleeper.deadline <= now) sleeper.wake();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = {
        deadline: this.now() + ms,
        wake: () => {
          clearTimeout(timer);
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const timer = setTimeout(sleeper.wake, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        this.sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
    });
  }
}
