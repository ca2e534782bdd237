/** Small figures helpers shared by the benchmarks: they print, they never assert. */

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

export interface Spread {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** p50/p95/max of samples, rounded for the JSON line. */
export const spread = (values: readonly number[], digits = 3): Spread => ({
  n: values.length,
  p50: round(percentile(values, 50), digits),
  p95: round(percentile(values, 95), digits),
  max: round(values.length ? Math.max(...values) : Number.NaN, digits),
});

export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/** `a / b` as a figure; null when the baseline is zero or missing. */
export const ratio = (value: number, baseline: number, digits = 2): number | null =>
  baseline > 0 && Number.isFinite(value) ? round(value / baseline, digits) : null;

export const ms = (value: number, digits = 2): string => `${value.toFixed(digits)} ms`;

export const describeSpread = (s: Spread, digits = 2): string =>
  `p50 ${ms(s.p50, digits)}  p95 ${ms(s.p95, digits)}  max ${ms(s.max, digits)}`;

/** Wall time of one synchronous call, in ms. */
export const timeSync = (work: () => unknown): number => {
  const started = performance.now();
  work();
  return performance.now() - started;
};

/** Wall time of one asynchronous call, in ms. */
export const timeAsync = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
