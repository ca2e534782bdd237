import { isThrottling, isTransient } from '../identity-center/error-mapping';
import { systemClock } from '../ports/clock';
import type { Clock } from '../ports/clock';
import { backoffDelayMs, defaultBackoff } from './backoff';
import type { BackoffOptions } from './backoff';

/**
 * Every portal call of a sync goes through one AdaptiveLimiter. IAM Identity Center
 * publishes no rate for ListAccounts / ListAccountRoles, and tools that assume one (5 or 20
 * calls/s) either crawl or drown in 429s. So the limiter learns two things:
 *
 * - the rate: it starts uncapped; on a TooManyRequests it caps the send rate at the success
 *   rate observed over the last window (while we are throttled, our success throughput IS
 *   the server's rate) plus some headroom, at most once per window; while no throttling is
 *   seen and the cap is what holds calls back, the cap grows again, so a raised limit is found.
 * - the concurrency: grows while every slot is busy and nothing is throttled, shrinks on
 *   throttling, never below what the learned rate needs at the observed latency.
 *
 * A throttled call costs only time (a token bucket does not charge for a rejected call), so
 * the aim is to keep demand slightly above the server's rate: never under-send for long
 * (tokens the bucket cannot save are lost), never flood. All waiting is on timers.
 */

export interface LimiterStats {
  /** Attempts sent, retries included. */
  readonly calls: number;
  readonly succeeded: number;
  /** Attempts answered with throttling. */
  readonly throttled: number;
  /** Attempts that were retries of an earlier attempt. */
  readonly retries: number;
  /** Calls given up on (out of attempts, or an error that is not worth retrying). */
  readonly failed: number;
  /** The learned send-rate cap in calls per second; undefined until the first throttle. */
  readonly ratePerSecond: number | undefined;
  /** Successes per second over the last window. */
  readonly observedRatePerSecond: number;
  readonly concurrency: number;
  readonly inFlight: number;
  readonly queued: number;
  /** Pacing timers that fired: proof that waiting is done with timers, one per paced call at most. */
  readonly timerWakeups: number;
}

export interface AdaptiveLimiterOptions {
  readonly clock?: Clock;
  readonly initialConcurrency?: number;
  readonly minConcurrency?: number;
  readonly maxConcurrency?: number;
  /** How long throughput is observed before the cap is cut again, in ms. */
  readonly windowMs?: number;
  /** Cap = observed success rate × headroom: demand stays just above the server's rate. */
  readonly headroom?: number;
  /** Fractional growth of the cap per window without throttling. */
  readonly growthPerWindow?: number;
  /** Attempts per call before it fails (throttling, 5xx and network errors are retried). */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  readonly minRatePerSecond?: number;
  readonly maxRatePerSecond?: number;
  /** The cap used when throttled before any success could be measured. */
  readonly initialProbeRatePerSecond?: number;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Jump the queue (e.g. account pages, which unlock more work). Retries always do. */
  readonly urgent?: boolean;
}

interface Waiter {
  readonly grant: () => void;
  cancelled: boolean;
}

/** A FIFO that stays O(1) per operation for thousands of queued calls. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

const smallestSpanMs = 250;
const minSamples = 3;

export class AdaptiveLimiter {
  private readonly clock: Clock;
  private readonly minConcurrency: number;
  private readonly maxConcurrency: number;
  private readonly windowMs: number;
  private readonly headroom: number;
  private readonly growthPerWindow: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly minRate: number;
  private readonly maxRate: number;
  private readonly initialProbeRate: number;

  private concurrency: number;
  private cap: number | undefined;
  private inFlight = 0;
  private readonly urgent = new Fifo<Waiter>();
  private readonly normal = new Fifo<Waiter>();
  private queuedCount = 0;

  /** Earliest start time of the next call under the cap (a virtual schedule, GCRA-style). */
  private nextStartAt = 0;
  private wakeAt: number | undefined;
  private firstCallAt: number | undefined;
  private lastThrottleAt = Number.NEGATIVE_INFINITY;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private lastGrowthAt = 0;
  /** The cap is a guess (no reliable measurement yet): grow it fast, as TCP's slow start does. */
  private probing = false;
  /** Whether the cap, not demand, held a call back since the last growth step. */
  private capWasBinding = false;
  private successesSinceGrowth = 0;
  private latencyMs = 0;
  private readonly successTimes = new Fifo<number>();
  private readonly attemptTimes = new Fifo<number>();

  private calls = 0;
  private succeeded = 0;
  private throttled = 0;
  private retries = 0;
  private failed = 0;
  private timerWakeups = 0;

  constructor(options: AdaptiveLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.minConcurrency = Math.max(1, options.minConcurrency ?? 1);
    this.maxConcurrency = Math.max(this.minConcurrency, options.maxConcurrency ?? 32);
    this.concurrency = clamp(options.initialConcurrency ?? 4, this.minConcurrency, this.maxConcurrency);
    this.windowMs = options.windowMs ?? 1_000;
    this.headroom = options.headroom ?? 1.1;
    this.growthPerWindow = options.growthPerWindow ?? 0.1;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 12);
    this.backoff = options.backoff ?? defaultBackoff;
    this.minRate = options.minRatePerSecond ?? 0.5;
    this.maxRate = options.maxRatePerSecond ?? 10_000;
    this.initialProbeRate = options.initialProbeRatePerSecond ?? 20;
  }

  /**
   * Runs `task` when the limiter allows, retrying throttling, 5xx and network errors with
   * jittered backoff up to maxAttempts; rejects with the last error, or with the signal's
   * reason as soon as it aborts (a queued task then never starts).
   */
  async run<T>(task: (signal: AbortSignal | undefined) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const { signal } = options;
    for (let attempt = 1; ; attempt += 1) {
      await this.acquire(signal, options.urgent === true || attempt > 1);
      if (attempt > 1) this.retries += 1;
      const startedAt = this.clock.now();
      let failure: unknown;
      try {
        const value = await task(signal);
        this.onSuccess(this.clock.now() - startedAt);
        return value;
      } catch (error) {
        failure = error;
        if (isThrottling(error)) this.onThrottle();
      } finally {
        this.release();
      }
      if (signal?.aborted) throw signal.reason;
      if (!isTransient(failure) || attempt >= this.maxAttempts) {
        this.failed += 1;
        throw failure;
      }
      await this.clock.sleep(backoffDelayMs(attempt, this.backoff), signal);
    }
  }

  stats(): LimiterStats {
    const now = this.clock.now();
    return {
      calls: this.calls,
      succeeded: this.succeeded,
      throttled: this.throttled,
      retries: this.retries,
      failed: this.failed,
      ratePerSecond: this.cap,
      observedRatePerSecond: this.observedRate(now),
      concurrency: this.concurrency,
      inFlight: this.inFlight,
      queued: this.queuedCount,
      timerWakeups: this.timerWakeups,
    };
  }

  private acquire(signal: AbortSignal | undefined, urgent: boolean): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (waiter.cancelled) return;
        waiter.cancelled = true;
        this.queuedCount -= 1;
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        cancelled: false,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      (urgent ? this.urgent : this.normal).push(waiter);
      this.queuedCount += 1;
      this.dispatch();
    });
  }

  private release(): void {
    this.inFlight -= 1;
    this.dispatch();
  }

  private nextWaiter(): Waiter | undefined {
    for (const queue of [this.urgent, this.normal]) {
      while (queue.size > 0 && queue.peek()?.cancelled) queue.shift();
      if (queue.size > 0) return queue.peek();
    }
    return undefined;
  }

  private dispatch(): void {
    while (this.inFlight < this.concurrency) {
      const waiter = this.nextWaiter();
      if (!waiter) return;
      const now = this.clock.now();
      if (this.cap !== undefined) {
        const interval = 1_000 / this.cap;
        // 1 ms of tolerance: timers fire on whole milliseconds.
        if (now + 1 < this.nextStartAt) {
          this.capWasBinding = true;
          this.wakeUpAt(this.nextStartAt);
          return;
        }
        // Catch up by at most one interval after a late timer, never bank more than that.
        this.nextStartAt = Math.max(this.nextStartAt, now - interval) + interval;
      }
      (this.urgent.peek() === waiter ? this.urgent : this.normal).shift();
      this.queuedCount -= 1;
      this.inFlight += 1;
      this.calls += 1;
      this.firstCallAt ??= now;
      this.attemptTimes.push(now);
      waiter.grant();
    }
  }

  private wakeUpAt(at: number): void {
    if (this.wakeAt !== undefined && this.wakeAt <= at) return;
    this.wakeAt = at;
    const delay = Math.max(1, Math.ceil(at - this.clock.now()));
    void this.clock.sleep(delay).then(() => {
      this.timerWakeups += 1;
      if (this.wakeAt === at) this.wakeAt = undefined;
      this.dispatch();
    });
  }

  /** Events per second in `times` over the last window (or since the first call, if sooner). */
  private ratePerSecondOf(times: Fifo<number>, now: number): number {
    while (times.size > 0 && (times.peek() ?? now) < now - this.windowMs) times.shift();
    if (this.firstCallAt === undefined) return 0;
    const span = Math.max(smallestSpanMs, Math.min(this.windowMs, now - this.firstCallAt));
    return (times.size * 1_000) / span;
  }

  private observedRate(now: number): number {
    return this.ratePerSecondOf(this.successTimes, now);
  }

  private onSuccess(latencyMs: number): void {
    const now = this.clock.now();
    this.succeeded += 1;
    this.successTimes.push(now);
    this.latencyMs = this.latencyMs === 0 ? latencyMs : this.latencyMs * 0.9 + latencyMs * 0.1;
    const calm = now - this.lastThrottleAt >= this.windowMs;

    if (this.cap !== undefined) {
      if (calm && this.capWasBinding) {
        const growth = this.probing ? 1 : this.growthPerWindow;
        const grown = this.cap * (1 + growth) ** ((now - this.lastGrowthAt) / this.windowMs);
        this.cap = Math.min(this.maxRate, grown);
      }
      this.lastGrowthAt = now;
      this.capWasBinding = false;
    }

    // Additive increase, one slot per "round" of successes, only while every slot was busy.
    const saturated = this.inFlight >= this.concurrency;
    this.successesSinceGrowth += 1;
    if (calm && saturated && this.successesSinceGrowth >= this.concurrency) {
      this.concurrency = Math.min(this.maxConcurrency, this.concurrency + 1);
      this.successesSinceGrowth = 0;
    }
  }

  private onThrottle(): void {
    const now = this.clock.now();
    this.throttled += 1;
    this.lastThrottleAt = now;
    if (now - this.lastCutAt < this.windowMs) return;
    this.lastCutAt = now;

    if (this.cap === undefined) this.nextStartAt = now;
    const successes = this.observedRate(now);
    const sampled = this.successTimes.size;
    const fullWindow = this.firstCallAt !== undefined && now - this.firstCallAt >= this.windowMs;
    if (sampled >= minSamples || (fullWindow && sampled > 0)) {
      this.cap = clamp(successes * this.headroom, this.minRate, this.maxRate);
      this.probing = false;
    } else {
      // Throttled with too few successes to measure (e.g. a bucket another client emptied):
      // nothing is known, so start from a modest guess, or halve, and probe upwards fast.
      this.cap = this.cap === undefined ? Math.min(this.initialProbeRate, this.maxRate) : Math.max(this.minRate, this.cap / 2);
      this.probing = true;
    }
    this.lastGrowthAt = now;

    // Little's law: the slots needed to carry the cap at the observed latency, with a margin.
    const needed = Math.ceil((this.cap * this.latencyMs * 2) / 1_000);
    const shrunk = Math.floor(this.concurrency * 0.75);
    this.concurrency = clamp(Math.max(shrunk, needed), this.minConcurrency, this.maxConcurrency);
    this.successesSinceGrowth = 0;
  }
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
