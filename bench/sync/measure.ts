import { accountsMissed } from './scenario';
import type { Scenario } from './scenario';
import type { Strategy } from './strategies/strategy';

export interface Measurement {
  readonly scenario: string;
  readonly strategy: string;
  readonly seconds: number;
  readonly ratioToFloor: number;
  /** Accounts not listed with exactly their roles (given up on, or missing). */
  readonly failedAccounts: number;
  readonly requests: number;
  readonly throttledResponses: number;
  readonly error?: string;
}

/** Runs one strategy on a freshly prepared scenario and measures wall time and losses. */
export const measure = async (scenario: Scenario, strategy: Strategy): Promise<Measurement> => {
  await scenario.prepareRun();
  const startedAt = performance.now();
  let listed: ReadonlyMap<string, readonly string[]> = new Map();
  let error: string | undefined;
  try {
    listed = (await strategy.run(scenario.context)).roles;
  } catch (failure) {
    error = `${(failure as Error).name}: ${(failure as Error).message}`;
  }
  const seconds = (performance.now() - startedAt) / 1_000;
  const counters = scenario.portalCounters();
  return {
    scenario: scenario.spec.name,
    strategy: strategy.name,
    seconds,
    ratioToFloor: seconds / scenario.floorSeconds,
    failedAccounts: accountsMissed(scenario.truth, listed),
    requests: counters.requests,
    throttledResponses: counters.throttled,
    ...(error ? { error } : {}),
  };
};
