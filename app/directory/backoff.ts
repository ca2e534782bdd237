/** Jittered exponential backoff ("full jitter"): spreads retries so throttled callers do not retry in lockstep. */
export interface BackoffOptions {
  /** Upper bound of the first retry's delay, in ms. */
  readonly baseMs: number;
  /** No delay ever exceeds this, in ms. */
  readonly capMs: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  readonly random?: () => number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 100, capMs: 3_000 };

/** The ceiling of the delay before retry number `attempt` (1 = first retry): min(cap, base·2^(attempt-1)). */
export const backoffCeilingMs = (attempt: number, options: BackoffOptions = defaultBackoff): number => {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(options.capMs, options.baseMs * 2 ** exponent);
};

/** The delay before retry number `attempt`: uniform in [0, ceiling), as in AWS's "full jitter". */
export const backoffDelayMs = (attempt: number, options: BackoffOptions = defaultBackoff): number => {
  const random = options.random ?? Math.random;
  const unit = Math.min(Math.max(random(), 0), 1);
  return Math.floor(unit * backoffCeilingMs(attempt, options));
};
