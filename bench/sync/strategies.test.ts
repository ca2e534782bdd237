import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measure } from './measure';
import { openScenario } from './scenario';
import type { Scenario } from './scenario';
import { awsSsoCliStrategy } from './strategies/aws-sso-cli';
import { grantedStrategy } from './strategies/granted';
import { leappStrategy } from './strategies/leapp';
import { naiveStrategy } from './strategies/naive';
import { rolecallStrategy } from './strategies/rolecall';

describe('sync benchmark strategies', () => {
  let scenario: Scenario;
  beforeAll(async () => {
    // A limit no strategy reaches: each must list the whole directory.
    scenario = await openScenario({
      name: 'check',
      accounts: 12,
      rolesPerAccount: 3,
      seed: 9,
      latencyMs: 0,
      throttle: { rps: 1_000, burst: 100 },
    });
  });
  afterAll(() => scenario.close());

  it('knows the floor from the generated directory', () => {
    expect(scenario.truth.size).toBe(12);
    expect(scenario.calls).toBe(1 + 12);
  });

  it.each([rolecallStrategy, naiveStrategy, leappStrategy, grantedStrategy, awsSsoCliStrategy])(
    '$name lists every account with its roles',
    async (strategy) => {
      const result = await measure(scenario, strategy);
      expect(result.error).toBeUndefined();
      expect(result.failedAccounts).toBe(0);
      expect(result.requests).toBe(scenario.calls);
      expect(result.throttledResponses).toBe(0);
    },
  );
});
