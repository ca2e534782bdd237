import type { Clock } from '../clock';

/**
 * How a sleep passes:
 * - 'timer': a real timer, woken early when advance() jumps past its deadline. For tests
 *   against the emulator, where HTTP and timers between steps run for real.
 * - 'step': after one turn of the event loop, moving the clock forward by exactly what was
 *   asked, so a flow that waits ten minutes finishes in milliseconds (driver tests).
 * - 'manual': only when advance() or runUntil() reaches its deadline; nothing runs on real
 *   time, so rate tests simulate thousands of seconds and give the same answer on a loaded
 *   machine.
 */
export type SleepMode = 'timer' | 'step' | 'manual';

export interface AdjustableClockOptions {
  /** Epoch ms the clock starts at and stands still at, moving only by advance() and sleeps. Absent: real time. */
  readonly start?: number;
  readonly sleeps?: SleepMode;
}

interface Sleeper {
  readonly deadline: number;
  readonly wake: () => void;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The one test clock: real time (or a frozen start) plus an offset that tests move forward,
 * "two hours later" without waiting. Every sleep is recorded, so a test can read back the
 * waits a flow made.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  /** Waiting sleepers, by deadline and then by the order they slept in. */
  private sleepers: Sleeper[] = [];
  private readonly start: number | undefined;
  private readonly mode: SleepMode;
  /** Every sleep requested, in order. */
  readonly sleeps: number[] = [];
  /** Called at the start of each sleep (before time moves), e.g. to abort mid-wait. */
  onSleep: ((ms: number) => void) | undefined;

  constructor(options: AdjustableClockOptions = {}) {
    this.start = options.start;
    this.mode = options.sleeps ?? 'timer';
  }

  now(): number {
    return (this.start ?? Date.now()) + this.offsetMs;
  }

  /** Sleeps not yet woken (never counts 'step' sleeps, which wake by themselves). */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Jumps forward by `ms` and wakes every sleeper whose deadline has now passed, in deadline order. */
  advance(ms: number): void {
    this.offsetMs += ms;
    const now = this.now();
    for (const sleeper of this.sleepers.filter((other) => other.deadline <= now)) sleeper.wake();
  }

  /** advance(), then one turn of the event loop so what the woken sleepers started can run. */
  async advanceAndSettle(ms: number): Promise<void> {
    this.advance(ms);
    await settle();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.onSleep?.(ms);
    return this.mode === 'step' ? this.step(ms, signal) : this.wait(ms, signal);
  }

  /**
   * Manual mode: lets every pending promise settle, then wakes sleepers one at a time in
   * deadline order, moving time to each, until `done()` holds (a discrete-event simulation).
   */
  async runUntil(done: () => boolean, maxSteps = 1_000_000): Promise<void> {
    for (let step = 0; step < maxSteps; step += 1) {
      await settle();
      if (done()) return;
      const next = this.sleepers[0];
      if (!next) throw new Error(`nothing left to run at t=${this.now()} ms, and the condition still does not hold`);
      this.offsetMs += Math.max(0, next.deadline - this.now());
      next.wake();
    }
    throw new Error(`still running after ${maxSteps} sleeps were woken`);
  }

  private step(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      setImmediate(() => {
        signal?.removeEventListener('abort', onAbort);
        this.offsetMs += Math.max(0, ms);
        resolve();
      });
    });
  }

  private wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const remove = (sleeper: Sleeper) => {
        clearTimeout(timer);
        this.sleepers = this.sleepers.filter((other) => other !== sleeper);
      };
      const sleeper: Sleeper = {
        deadline: this.now() + Math.max(0, ms),
        wake: () => {
          remove(sleeper);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        remove(sleeper);
        reject(signal?.reason);
      };
      const timer = this.mode === 'timer' ? setTimeout(sleeper.wake, Math.max(0, ms)) : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      const index = this.sleepers.findIndex((other) => other.deadline > sleeper.deadline);
      if (index === -1) this.sleepers.push(sleeper);
      else this.sleepers.splice(index, 0, sleeper);
    });
  }
}
