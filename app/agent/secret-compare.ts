import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality, so a wrong guess does not reveal how much of it was right. */
export const secretsMatch = (expected: string, candidate: string | undefined | null): boolean => {
  if (typeof candidate !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(candidate, 'utf8');
  // Compare against itself when lengths differ so the timing does not depend on the guess.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
};
