import { randomBytes, randomInt } from 'node:crypto';

/** Random identifiers and secrets the emulator hands out; never derived from the seed. */

/** URL-safe random string of `bytes` random bytes. */
export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

// Letters only, without vowels and look-alikes, as the real user codes avoid words and 0/O.
const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ';

/** A user code like "BCDF-GHJK". */
export const randomUserCode = (): string => {
  const letters = Array.from({ length: 8 }, () => userCodeAlphabet[randomInt(userCodeAlphabet.length)]).join('');
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
};

/** Normalises what a person typed ("bcdf ghjk", "BCDFGHJK") to the canonical "BCDF-GHJK". */
export const normalizeUserCode = (typed: string): string => {
  const letters = typed.toUpperCase().replace(/[^A-Z]/g, '');
  return letters.length === 8 ? `${letters.slice(0, 4)}-${letters.slice(4)}` : typed.trim().toUpperCase();
};

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A temporary access key id: "ASIA" + 16 base32 characters, as STS issues. */
export const randomAccessKeyId = (): string => `ASIA${Array.from({ length: 16 }, () => base32[randomInt(base32.length)]).join('')}`;

/** A 40-character secret access key. */
export const randomSecretAccessKey = (): string => randomBytes(30).toString('base64').slice(0, 40);
