import { measure } from './measure';
import type { Measurement } from './measure';
import { describeMeasurement, describeScenario, summaryLine } from './report';
import { openScenario } from './scenario';
import type { Scenario, ScenarioSpec } from './scenario';
import { awsSsoCliStrategy } from './strategies/aws-sso-cli';
import { grantedStrategy } from './strategies/granted';
import { leappStrategy } from './strategies/leapp';
import { naiveStrategy } from './strategies/naive';
import { rolecallStrategy } from './strategies/rolecall';
import type { Strategy } from './strategies/strategy';

/**
 * `npm run bench:sync`: directory sync wall time against a throttled emulator, Rolecall
 * side by side with a naive SDK paginator loop and the strategies popular tools document.
 * It prints; it does not assert. Other processes on the machine can skew the figures.
 */

// The SDK's Node 22 notice is noise in a benchmark report (clients are built later, in main).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const scenarios: readonly { spec: ScenarioSpec; strategies: readonly Strategy[] }[] = [
  {
    spec: { name: 'large', accounts: 2_000, rolesPerAccount: 3, seed: 20_240_601, latencyMs: 5, throttle: { rps: 50, burst: 20 } },
    strategies: [rolecallStrategy, naiveStrategy],
  },
  {
    spec: { name: 'strict', accounts: 300, rolesPerAccount: 3, seed: 20_240_602, latencyMs: 5, throttle: { rps: 10, burst: 5 } },
    strategies: [rolecallStrategy, naiveStrategy, leappStrategy, grantedStrategy, awsSsoCliStrategy],
  },
];

const main = async () => {
  const measurements: Measurement[] = [];
  let first: Scenario | undefined;
  for (const { spec, strategies } of scenarios) {
    const scenario = await openScenario(spec);
    first ??= scenario;
    try {
      console.log(describeScenario(scenario));
      for (const strategy of strategies) {
        const measurement = await measure(scenario, strategy);
        measurements.push(measurement);
        console.log(describeMeasurement(measurement));
      }
      const rolecall = measurements.find((m) => m.scenario === spec.name && m.strategy === 'rolecall');
      const naive = measurements.find((m) => m.scenario === spec.name && m.strategy === 'naive');
      if (rolecall && naive)
        console.log(
          `  rolecall is ${(naive.seconds / rolecall.seconds).toFixed(2)}x faster than naive, ${rolecall.ratioToFloor.toFixed(3)}x the floor`,
        );
    } finally {
      await scenario.close();
    }
  }
  if (first) console.log(summaryLine(first, measurements));
};

await main();
