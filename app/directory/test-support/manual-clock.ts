import type { Clock } from '../../ports/clock';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A Clock whose time moves only when the test says so: a discrete-event simulation, so
 * rate tests run thousands of simulated seconds in milliseconds and give the same answer
 * on a loaded machine.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];
  /** Every sleep ever requested, to prove waiting is done with a bounded number of timers. */
  sleeps = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps += 1;
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        seq: (this.seq += 1),
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((other) => other !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const index = this.timers.findIndex((other) => other.at > timer.at);
      if (index === -1) this.timers.push(timer);
      else this.timers.splice(index, 0, timer);
    });
  }

  /** Lets every pending promise settle, then fires timers in time order until `done()` holds. */
  async runUntil(done: () => boolean, maxSteps = 1_000_000): Promise<void> {
    for (let step = 0; step < maxSteps; step += 1) {
      await settle();
      if (done()) return;
      const next = this.timers.shift();
      if (!next) throw new Error(`nothing left to run at t=${this.time} ms, and the condition still does not hold`);
      this.time = Math.max(this.time, next.at);
      next.fire();
    }
    throw new Error(`still running after ${maxSteps} timer steps`);
  }
}
