import type { Clock } from '../../ports/clock';

/** The error an SDK client throws for a 429, as far as error-mapping looks at it. */
export const throttlingError = (): Error =>
  Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });

/**
 * An in-process stand-in for a throttled portal: a token bucket (`rps` a second, at most
 * `burst` saved) checked when a call arrives, answered after `latencyMs`. A rejected call
 * takes no token, as with AWS. The limit can change mid-run.
 */
export class TokenBucketServer {
  private tokens: number;
  private refilledAt: number;
  accepted = 0;
  rejected = 0;
  /** Arrival times of accepted calls, for throughput over an interval. */
  readonly acceptedAt: number[] = [];

  constructor(
    private readonly clock: Clock,
    private limit: { rps: number; burst: number },
    private readonly latencyMs = 5,
  ) {
    this.tokens = limit.burst;
    this.refilledAt = clock.now();
  }

  setLimit(limit: { rps: number; burst: number }): void {
    this.refill();
    this.limit = limit;
    this.tokens = Math.min(this.tokens, limit.burst);
  }

  /** Empties the bucket, as another client sharing the limit would. */
  drain(): void {
    this.refill();
    this.tokens = 0;
  }

  /** One call: resolves with a value or rejects with a throttling error after the latency. */
  async call<T>(value: T): Promise<T> {
    this.refill();
    const ok = this.tokens >= 1;
    if (ok) {
      this.tokens -= 1;
      this.accepted += 1;
      this.acceptedAt.push(this.clock.now());
    } else {
      this.rejected += 1;
    }
    await this.clock.sleep(this.latencyMs);
    if (!ok) throw throttlingError();
    return value;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.refilledAt) * this.limit.rps) / 1_000);
    this.refilledAt = now;
  }
}
