import { signInWithDeviceCode } from '../../app/directory/test-support/device-sign-in';
import { generateDirectory } from '../../emulator/directory-seed';
import type { FaultConfig, RunningEmulator } from '../../emulator/options';
import { startEmulator } from '../../emulator/server';
import { sleep } from './strategies/strategy';
import type { StrategyContext } from './strategies/strategy';

/** One benchmark scenario: a seeded directory behind a throttled emulator. */
export interface ScenarioSpec {
  readonly name: string;
  readonly accounts: number;
  readonly rolesPerAccount: number;
  readonly seed: number;
  readonly latencyMs: number;
  readonly throttle: { readonly rps: number; readonly burst: number };
}

export interface Scenario {
  readonly spec: ScenarioSpec;
  readonly context: StrategyContext;
  /** The directory the emulator serves, from its generator: role names per account id. */
  readonly truth: ReadonlyMap<string, readonly string[]>;
  readonly roleCount: number;
  /** Successful portal calls a complete listing needs at this page size. */
  readonly calls: number;
  /** calls ÷ rate: no strategy can list everything faster, give or take the burst. */
  readonly floorSeconds: number;
  /** Throttle on, counters zeroed, bucket full again: every run starts from the same state. */
  prepareRun(): Promise<void>;
  portalCounters(): { readonly requests: number; readonly throttled: number };
  close(): Promise<void>;
}

export const pageSize = 100;

const portalOperations = ['ListAccounts', 'ListAccountRoles'] as const;

/** Starts the emulator, signs in before any throttle applies, and works out the floor. */
export const openScenario = async (spec: ScenarioSpec): Promise<Scenario> => {
  const seed = { accounts: spec.accounts, rolesPerAccount: spec.rolesPerAccount, seed: spec.seed };
  const unthrottled: FaultConfig = { '*': { latencyMs: spec.latencyMs } };
  const emu: RunningEmulator = await startEmulator({
    directory: seed,
    deviceCodeIntervalSeconds: 0,
    faults: unthrottled,
    log: () => undefined,
  });
  const accessToken = await signInWithDeviceCode(emu);
  const generated = generateDirectory(seed);
  const truth = new Map(generated.map((account) => [account.accountId, [...account.roles].sort()] as const));
  const calls =
    Math.ceil(generated.length / pageSize) +
    generated.reduce((sum, account) => sum + Math.max(1, Math.ceil(account.roles.length / pageSize)), 0);
  const throttled: FaultConfig = { '*': { latencyMs: spec.latencyMs, throttle: spec.throttle } };

  const portalCounters = () => {
    const counters = emu.counters();
    let requests = 0;
    let throttledResponses = 0;
    for (const operation of portalOperations) {
      requests += counters[operation]?.requests ?? 0;
      throttledResponses += counters[operation]?.throttled ?? 0;
    }
    return { requests, throttled: throttledResponses };
  };

  return {
    spec,
    context: { region: emu.region, portalEndpoint: emu.portalEndpoint, accessToken, pageSize },
    truth,
    roleCount: generated.reduce((sum, account) => sum + account.roles.length, 0),
    calls,
    floorSeconds: calls / spec.throttle.rps,
    async prepareRun() {
      // A strategy's last retries may still be in the air: let them land, then refill the bucket.
      await sleep(200);
      emu.setFaults(throttled);
      emu.resetCounters();
      await sleep((spec.throttle.burst / spec.throttle.rps) * 1_000 + 100);
    },
    portalCounters,
    close: () => emu.close(),
  };
};

/** Accounts of the truth that a listing does not hold with exactly the right roles. */
export const accountsMissed = (truth: ReadonlyMap<string, readonly string[]>, listed: ReadonlyMap<string, readonly string[]>): number => {
  let missed = 0;
  for (const [accountId, roles] of truth) {
    const got = listed.get(accountId);
    if (!got || got.length !== roles.length || [...got].sort().some((role, index) => role !== roles[index])) missed += 1;
  }
  return missed;
};
