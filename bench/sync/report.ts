import type { Measurement } from './measure';
import type { Scenario } from './scenario';

const fixed = (value: number, digits = 2): number => Number(value.toFixed(digits));

export const describeScenario = (scenario: Scenario): string => {
  const { spec } = scenario;
  return [
    `scenario ${spec.name}: ${scenario.truth.size} accounts, ${scenario.roleCount} roles (seed ${spec.seed}), ${spec.latencyMs} ms latency,`,
    `  throttled at ${spec.throttle.rps}/s burst ${spec.throttle.burst}; a full listing needs ${scenario.calls} calls -> floor ${scenario.floorSeconds.toFixed(1)} s`,
  ].join('\n');
};

export const describeMeasurement = (m: Measurement): string =>
  [
    `  ${m.strategy.padEnd(12)}`,
    `${m.seconds.toFixed(1).padStart(7)} s`,
    `${m.ratioToFloor.toFixed(2).padStart(6)}x floor`,
    `failed ${String(m.failedAccounts).padStart(5)}`,
    `requests ${String(m.requests).padStart(6)}`,
    `429s ${String(m.throttledResponses).padStart(6)}`,
    // Finishing early by giving up on accounts is not speed.
    m.failedAccounts > 0 ? 'INCOMPLETE' : '',
    m.error ? `error: ${m.error}` : '',
  ]
    .join('  ')
    .trimEnd();

/** The one JSON line a script reads: top-level figures are Rolecall's in the first scenario. */
export const summaryLine = (first: Scenario, measurements: readonly Measurement[]): string => {
  const find = (scenario: string, strategy: string) => measurements.find((m) => m.scenario === scenario && m.strategy === strategy);
  const rolecall = find(first.spec.name, 'rolecall');
  const naive = find(first.spec.name, 'naive');
  const strategies: Record<string, { seconds: number; ratioToFloor: number; failedAccounts: number }> = {};
  for (const m of measurements) {
    strategies[`${m.scenario}/${m.strategy}`] = {
      seconds: fixed(m.seconds),
      ratioToFloor: fixed(m.ratioToFloor, 3),
      failedAccounts: m.failedAccounts,
    };
  }
  return JSON.stringify({
    accounts: first.truth.size,
    roles: first.roleCount,
    calls: first.calls,
    floorSeconds: fixed(first.floorSeconds),
    rolecallSeconds: rolecall ? fixed(rolecall.seconds) : null,
    naiveSeconds: naive ? fixed(naive.seconds) : null,
    ratioToFloor: rolecall ? fixed(rolecall.ratioToFloor, 3) : null,
    speedupVsNaive: rolecall && naive ? fixed(naive.seconds / rolecall.seconds, 2) : null,
    failedAccounts: rolecall?.failedAccounts ?? null,
    throttledResponses: rolecall?.throttledResponses ?? null,
    strategies,
  });
};
