import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from './adaptive-limiter';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { TokenBucketServer, throttlingError } from './test-support/token-bucket-server';

const fixedRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
};

/** Sends `count` calls at once through the limiter and reports how they ended. */
const sendAll = (limiter: AdaptiveLimiter, server: TokenBucketServer, count: number) => {
  let settled = 0;
  let failures = 0;
  for (let index = 0; index < count; index += 1) {
    limiter
      .run(() => server.call(index))
      .then(
        () => (settled += 1),
        () => {
          settled += 1;
          failures += 1;
        },
      );
  }
  return { done: () => settled === count, failures: () => failures };
};

describe('AdaptiveLimiter against a token-bucket server', () => {
  it.each([
    { rps: 50, burst: 20, count: 1_500 },
    { rps: 10, burst: 5, count: 300 },
  ])('reaches within 10% of the bucket rate ($rps/s, burst $burst) and loses no call', async ({ rps, burst, count }) => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const server = new TokenBucketServer(clock, { rps, burst }, 5);
    const limiter = new AdaptiveLimiter({ clock, backoff: { baseMs: 100, capMs: 3_000, random: fixedRandom(7) } });
    const run = sendAll(limiter, server, count);
    await clock.runUntil(run.done);

    const floorMs = ((count - burst) / rps) * 1_000;
    expect(run.failures()).toBe(0);
    expect(server.accepted).toBe(count);
    expect(clock.now()).toBeGreaterThanOrEqual(floorMs);
    expect(clock.now()).toBeLessThanOrEqual(floorMs * 1.1);
    const stats = limiter.stats();
    expect(stats.ratePerSecond).toBeGreaterThanOrEqual(rps * 0.95);
    expect(stats.ratePerSecond).toBeLessThanOrEqual(rps * 1.3);
    // Keeping demand just above the rate, not flooding: throttled attempts stay a minority.
    expect(stats.throttled).toBeLessThan(count * 0.35);
    expect(stats.calls).toBe(stats.succeeded + stats.throttled);
  });

  it('does not collapse to a crawl when the bucket is already empty at the start', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const server = new TokenBucketServer(clock, { rps: 50, burst: 20 }, 5);
    server.drain();
    const limiter = new AdaptiveLimiter({ clock, backoff: { baseMs: 100, capMs: 3_000, random: fixedRandom(5) } });
    const run = sendAll(limiter, server, 1_000);
    await clock.runUntil(run.done);
    expect(run.failures()).toBe(0);
    expect(clock.now()).toBeLessThanOrEqual((1_000 / 50) * 1_000 * 1.1);
  });

  it('finds a higher rate when the limit rises, and a lower one when it falls', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const server = new TokenBucketServer(clock, { rps: 20, burst: 10 }, 5);
    const limiter = new AdaptiveLimiter({ clock, backoff: { baseMs: 100, capMs: 3_000, random: fixedRandom(3) } });
    const run = sendAll(limiter, server, 4_000);

    await clock.runUntil(() => clock.now() >= 15_000);
    expect(limiter.stats().ratePerSecond).toBeLessThan(20 * 1.3);
    server.setLimit({ rps: 80, burst: 10 });
    await clock.runUntil(() => clock.now() >= 45_000);
    const risen = limiter.stats().ratePerSecond ?? 0;
    expect(risen).toBeGreaterThanOrEqual(80 * 0.95);
    // Throughput over the last 10 s of the high limit, measured at the server.
    const lateHigh = server.acceptedAt.filter((at) => at >= 35_000 && at < 45_000).length / 10;
    expect(lateHigh).toBeGreaterThanOrEqual(80 * 0.9);

    server.setLimit({ rps: 30, burst: 10 });
    await clock.runUntil(() => clock.now() >= 60_000);
    expect(limiter.stats().ratePerSecond).toBeLessThan(30 * 1.3);
    const lateLow = server.acceptedAt.filter((at) => at >= 50_000 && at < 60_000).length / 10;
    expect(lateLow).toBeGreaterThanOrEqual(30 * 0.9);

    await clock.runUntil(run.done);
    expect(run.failures()).toBe(0);
  });

  it('waits on timers: at most one pacing wake-up per call, no spinning', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const server = new TokenBucketServer(clock, { rps: 10, burst: 5 }, 5);
    const limiter = new AdaptiveLimiter({ clock, backoff: { baseMs: 100, capMs: 3_000, random: fixedRandom(11) } });
    const run = sendAll(limiter, server, 200);
    await clock.runUntil(run.done);
    const stats = limiter.stats();
    expect(stats.timerWakeups).toBeLessThanOrEqual(stats.calls);
    // Every sleep: the server's latency (one per attempt), pacing, and one backoff per retry.
    expect(clock.sleeps.length).toBeLessThanOrEqual(stats.calls * 2 + stats.retries + 10);
  });

  // CPU against wall time on the real clock is a figure, not a test: bench/limiter prints it
  // (`npx tsx bench/limiter/run.ts`). Here the clock is simulated, and a wait that polled
  // would show up as extra sleeps or reads of the clock rather than as burnt CPU.
  it('waits out each backoff with one timer, not by polling the clock', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    let reads = 0;
    const counting = { now: () => ((reads += 1), clock.now()), sleep: clock.sleep.bind(clock) };
    const delays: number[] = [];
    const recording = { ...counting, sleep: (ms: number, signal?: AbortSignal) => (delays.push(ms), counting.sleep(ms, signal)) };
    const limiter = new AdaptiveLimiter({ clock: recording, backoff: { baseMs: 400, capMs: 400, random: () => 0.999 } });
    let attempts = 0;
    const attemptedAt: number[] = [];
    let value: string | undefined;
    void limiter
      .run(async () => {
        attempts += 1;
        attemptedAt.push(clock.now());
        if (attempts <= 3) throw throttlingError();
        return 'ok';
      })
      .then((result) => (value = result));
    await clock.runUntil(() => value !== undefined);

    expect(value).toBe('ok');
    expect(attempts).toBe(4);
    // Three throttles, three backoffs of (almost) 400 ms each; any pacing wait adds at most
    // one timer per attempt.
    const backoffs = delays.filter((ms) => ms >= 300);
    expect(backoffs).toHaveLength(3);
    expect(delays.length).toBeLessThanOrEqual(attempts * 2);
    // Each retry ran only after its backoff had passed on the clock.
    for (let index = 1; index < attemptedAt.length; index += 1) {
      expect(attemptedAt[index]! - attemptedAt[index - 1]!).toBeGreaterThanOrEqual(300);
    }
    // A polling wait reads the clock over and over while it waits; this reads it a few times per attempt.
    expect(reads).toBeLessThanOrEqual(attempts * 10);
    expect(limiter.stats()).toMatchObject({ calls: 4, throttled: 3, retries: 3, succeeded: 1 });
  });
});

describe('AdaptiveLimiter retries and bounds', () => {
  it('gives up after maxAttempts throttles in a row with the throttling error', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const limiter = new AdaptiveLimiter({ clock, maxAttempts: 12, backoff: { baseMs: 100, capMs: 2_000, random: () => 0.5 } });
    let attempts = 0;
    let outcome: unknown;
    limiter
      .run(async () => {
        attempts += 1;
        throw throttlingError();
      })
      .catch((error: unknown) => (outcome = error));
    await clock.runUntil(() => outcome !== undefined);
    expect(attempts).toBe(12);
    expect((outcome as Error).name).toBe('TooManyRequestsException');
    expect(limiter.stats()).toMatchObject({ calls: 12, throttled: 12, retries: 11, failed: 1 });
  });

  it('retries a 5xx without learning a rate from it, and does not retry a client error', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const limiter = new AdaptiveLimiter({ clock, backoff: { baseMs: 10, capMs: 100, random: () => 0.5 } });
    let serverErrors = 0;
    let result: string | undefined;
    void limiter
      .run(async () => {
        serverErrors += 1;
        if (serverErrors <= 2)
          throw Object.assign(new Error('boom'), { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } });
        return 'listed';
      })
      .then((value) => (result = value));
    await clock.runUntil(() => result !== undefined);
    expect(result).toBe('listed');
    expect(limiter.stats().ratePerSecond).toBeUndefined();

    let clientErrors = 0;
    let rejected: unknown;
    limiter
      .run(async () => {
        clientErrors += 1;
        throw Object.assign(new Error('bad'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } });
      })
      .catch((error: unknown) => (rejected = error));
    await clock.runUntil(() => rejected !== undefined);
    expect(clientErrors).toBe(1);
  });

  it('never runs more than maxConcurrency calls at once', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const limiter = new AdaptiveLimiter({ clock, initialConcurrency: 2, maxConcurrency: 5 });
    let inFlight = 0;
    let peak = 0;
    let finished = 0;
    for (let index = 0; index < 300; index += 1) {
      void limiter
        .run(async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await clock.sleep(10);
          inFlight -= 1;
        })
        .then(() => (finished += 1));
    }
    await clock.runUntil(() => finished === 300);
    expect(peak).toBe(5);
    expect(limiter.stats().concurrency).toBe(5);
  });

  it('rejects queued calls at once when aborted, without ever starting them', async () => {
    const clock = new AdjustableClock({ start: 0, sleeps: 'manual' });
    const limiter = new AdaptiveLimiter({ clock, initialConcurrency: 1, maxConcurrency: 1 });
    const controller = new AbortController();
    const started: number[] = [];
    const outcomes: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      limiter
        .run(
          async (signal) => {
            started.push(index);
            await clock.sleep(1_000, signal);
          },
          { signal: controller.signal },
        )
        .then(
          () => outcomes.push('ok'),
          (error: unknown) => outcomes.push((error as Error).name),
        );
    }
    await clock.runUntil(() => started.length === 1);
    controller.abort();
    await clock.runUntil(() => outcomes.length === 5);
    expect(started).toEqual([0]);
    expect(outcomes).toEqual(Array(5).fill('AbortError'));
    expect(limiter.stats()).toMatchObject({ calls: 1, inFlight: 0, queued: 0 });
  });
});
