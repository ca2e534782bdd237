import { AdaptiveLimiter } from '../../app/directory/adaptive-limiter';
import { TokenBucketServer, throttlingError } from '../../app/directory/test-support/token-bucket-server';
import { systemClock } from '../../app/ports/clock';
import { ms, ratio, round } from '../support/stats';

/**
 * `npx tsx bench/limiter/run.ts`: the AdaptiveLimiter on the real clock, in one run:
 *   - CPU against wall time while one call waits out three throttling backoffs (3 × ~400 ms),
 *     next to two baselines of the same length measured alongside: a plain timer (the floor:
 *     an idle process) and a polling loop (what a wait that spins costs, ~1 CPU-second a second);
 *   - a burst of calls against an in-process token bucket on real time: wall time against the
 *     floor the bucket allows, throttled attempts, and CPU per call.
 * The unit tests check the same behaviour on a simulated clock; this prints the figures and
 * asserts nothing. The last line is one JSON object. Other processes on the machine skew the
 * figures (CPU figures less than wall ones); compare the ratios.
 */

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BURST_CALLS = Number(process.env.BENCH_CALLS ?? 300);

interface Usage {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly cpuPerWall: number;
}

const measure = async (work: () => Promise<unknown>): Promise<Usage> => {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1_000;
  return { wallMs: round(wallMs, 1), cpuMs: round(cpuMs, 1), cpuPerWall: round(cpuMs / wallMs, 4) };
};

/** One call throttled three times, backoff pinned near 400 ms, as the unit test does on a fake clock. */
const backoffWait = async (): Promise<number> => {
  let attempts = 0;
  const limiter = new AdaptiveLimiter({ clock: systemClock, backoff: { baseMs: 400, capMs: 400, random: () => 0.999 } });
  await limiter.run(async () => {
    attempts += 1;
    if (attempts <= 3) throw throttlingError();
    return 'ok';
  });
  return attempts;
};

const timerWait = (wallMs: number) => new Promise((resolve) => setTimeout(resolve, wallMs));

/** The anti-pattern: check the clock on every turn of the event loop until the time is up. */
const pollingWait = async (wallMs: number): Promise<void> => {
  const until = performance.now() + wallMs;
  while (performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
};

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

const describe = (label: string, usage: Usage) =>
  `  ${label.padEnd(26)} wall ${ms(usage.wallMs, 1).padStart(10)}  cpu ${ms(usage.cpuMs, 1).padStart(9)}  cpu/wall ${usage.cpuPerWall.toFixed(4)}`;

const main = async () => {
  console.log(
    `limiter: ${ROUNDS} rounds of a call throttled 3 times (backoff ~400 ms), with a timer and a polling loop of the same length`,
  );
  const rounds: { limiter: Usage; timer: Usage; polling: Usage }[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const limiter = await measure(backoffWait);
    const timer = await measure(() => timerWait(limiter.wallMs));
    const polling = await measure(() => pollingWait(limiter.wallMs));
    rounds.push({ limiter, timer, polling });
    console.log(describe(`round ${round + 1} limiter backoff`, limiter));
    console.log(describe('        plain timer', timer));
    console.log(describe('        polling loop', polling));
  }
  const pick = (key: 'limiter' | 'timer' | 'polling') => ({
    wallMs: median(rounds.map((r) => r[key].wallMs)),
    cpuMs: median(rounds.map((r) => r[key].cpuMs)),
    cpuPerWall: median(rounds.map((r) => r[key].cpuPerWall)),
  });
  const waiting = { limiter: pick('limiter'), timer: pick('timer'), polling: pick('polling') };
  console.log(
    `median cpu/wall: limiter ${waiting.limiter.cpuPerWall.toFixed(4)}, timer ${waiting.timer.cpuPerWall.toFixed(4)}, polling ${waiting.polling.cpuPerWall.toFixed(4)}` +
      ` -> the limiter burns ${ratio(waiting.limiter.cpuMs, waiting.polling.cpuMs, 3)}x the CPU of polling`,
  );

  const rps = 50;
  const burst = 10;
  const server = new TokenBucketServer(systemClock, { rps, burst }, 5);
  const limiter = new AdaptiveLimiter({ clock: systemClock });
  const floorMs = ((BURST_CALLS - burst) / rps) * 1_000;
  let failures = 0;
  const paced = await measure(() =>
    Promise.all(Array.from({ length: BURST_CALLS }, (_, index) => limiter.run(() => server.call(index)).catch(() => (failures += 1)))),
  );
  const stats = limiter.stats();
  console.log(
    `\npacing: ${BURST_CALLS} calls at once against a token bucket of ${rps}/s burst ${burst} (real clock), floor ${ms(floorMs, 0)}`,
  );
  console.log(describe('limiter', paced));
  console.log(
    `  ${(paced.wallMs / floorMs).toFixed(3)}x the floor, ${server.accepted} accepted, ${stats.throttled} throttled attempts (${(stats.throttled / BURST_CALLS).toFixed(2)} per call), ` +
      `${failures} failed, learned ${stats.ratePerSecond?.toFixed(1) ?? '-'}/s, ${round(paced.cpuMs / BURST_CALLS, 3)} ms CPU per call`,
  );

  console.log(
    JSON.stringify({
      bench: 'limiter',
      node: process.version,
      rounds: ROUNDS,
      waiting,
      waitingCpuVsPolling: ratio(waiting.limiter.cpuMs, waiting.polling.cpuMs, 4),
      waitingCpuVsTimer: ratio(waiting.limiter.cpuMs, waiting.timer.cpuMs, 2),
      pacing: {
        calls: BURST_CALLS,
        rps,
        burst,
        floorMs,
        ...paced,
        ratioToFloor: round(paced.wallMs / floorMs, 3),
        accepted: server.accepted,
        throttled: stats.throttled,
        failed: failures,
        learnedRatePerSecond: stats.ratePerSecond === undefined ? null : round(stats.ratePerSecond, 2),
        cpuMsPerCall: round(paced.cpuMs / BURST_CALLS, 4),
      },
    }),
  );
};

await main();
