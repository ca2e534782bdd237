import { z } from 'zod';
import type { FaultConfig, FaultSpec, OperationCounters, OperationName } from './options';

/**
 * Fault injection per operation: latency, token-bucket throttling, injected 5xx and dropped
 * connections, with counters. Decisions are made when a request arrives; the server applies
 * them (waiting with timers, never a busy loop).
 */

export const operationNames = [
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'ListAccounts',
  'ListAccountRoles',
  'GetRoleCredentials',
  'Logout',
  'GetSigninToken',
  'GetCallerIdentity',
  'AssumeRole',
] as const satisfies readonly OperationName[];

const specSchema = z.strictObject({
  latencyMs: z.number().min(0).max(600_000).optional(),
  jitterMs: z.number().min(0).max(600_000).optional(),
  throttle: z.strictObject({ rps: z.number().min(0), burst: z.number().min(0) }).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  dropRate: z.number().min(0).max(1).optional(),
});

const configSchema = z.strictObject({
  '*': specSchema.optional(),
  operations: z.partialRecord(z.enum(operationNames), specSchema).optional(),
});

/** Validates a FaultConfig (from PUT /_emulator/faults or the API); throws an Error naming the problem. */
export const parseFaultConfig = (value: unknown): FaultConfig => {
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) throw new Error(`Invalid fault config: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
};

/** A token bucket: `rps` tokens a second, at most `burst` saved, starting full. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly rps: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {
    this.#tokens = burst;
    this.#last = clock();
  }

  /** Takes one token if there is one; a refused request takes nothing. */
  take(): boolean {
    const now = this.clock();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rps);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export type FaultKind = 'ok' | 'throttle' | 'error' | 'drop';

export interface FaultDecision {
  readonly kind: FaultKind;
  readonly delayMs: number;
}

interface MutableCounters {
  requests: number;
  throttled: number;
  errors: number;
  dropped: number;
}

const zero = (): MutableCounters => ({ requests: 0, throttled: 0, errors: 0, dropped: 0 });

export interface FaultInjectorDeps {
  /** Monotonic ms for the buckets (default performance.now); independent of the expiry clock. */
  readonly clock?: () => number;
  readonly random?: () => number;
}

export class FaultInjector {
  #config: FaultConfig = {};
  #shared: TokenBucket | undefined;
  #own = new Map<OperationName, TokenBucket>();
  #counters = new Map<OperationName, MutableCounters>();
  readonly #clock: () => number;
  readonly #random: () => number;

  constructor(config: FaultConfig = {}, deps: FaultInjectorDeps = {}) {
    this.#clock = deps.clock ?? (() => performance.now());
    this.#random = deps.random ?? Math.random;
    this.set(config);
    this.reset();
  }

  /** Replaces the configuration; buckets start full again. */
  set(config: FaultConfig): void {
    this.#config = parseFaultConfig(config);
    const star = this.#config['*']?.throttle;
    this.#shared = star ? new TokenBucket(star.rps, star.burst, this.#clock) : undefined;
    this.#own = new Map();
    for (const [name, spec] of Object.entries(this.#config.operations ?? {}) as [OperationName, FaultSpec][]) {
      if (spec.throttle) this.#own.set(name, new TokenBucket(spec.throttle.rps, spec.throttle.burst, this.#clock));
    }
  }

  get(): FaultConfig {
    return this.#config;
  }

  /** The operation's effective spec: its own fields, falling back field by field to `*`. */
  effective(operation: OperationName): FaultSpec {
    return { ...this.#config['*'], ...this.#config.operations?.[operation] };
  }

  /** Decides the fate of one arriving request and counts it. */
  decide(operation: OperationName): FaultDecision {
    const spec = this.effective(operation);
    const counters = this.#counter(operation);
    counters.requests++;
    const delayMs = (spec.latencyMs ?? 0) + (spec.jitterMs ? this.#random() * spec.jitterMs : 0);
    const bucket = this.#own.get(operation) ?? (spec.throttle ? this.#shared : undefined);
    if (bucket && !bucket.take()) {
      counters.throttled++;
      return { kind: 'throttle', delayMs };
    }
    if (spec.errorRate && this.#random() < spec.errorRate) {
      counters.errors++;
      return { kind: 'error', delayMs };
    }
    if (spec.dropRate && this.#random() < spec.dropRate) {
      counters.dropped++;
      return { kind: 'drop', delayMs };
    }
    return { kind: 'ok', delayMs };
  }

  /** Counts a 5xx the handler itself produced (an emulator bug), so benches notice it. */
  recordError(operation: OperationName): void {
    this.#counter(operation).errors++;
  }

  counters(): Readonly<Record<string, OperationCounters>> {
    return Object.fromEntries([...this.#counters].map(([name, c]) => [name, { ...c }]));
  }

  reset(): void {
    this.#counters = new Map(operationNames.map((name) => [name, zero()]));
  }

  #counter(operation: OperationName): MutableCounters {
    let counters = this.#counters.get(operation);
    if (!counters) {
      counters = zero();
      this.#counters.set(operation, counters);
    }
    return counters;
  }
}
