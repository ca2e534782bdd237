import { portalError } from './api-error';

/**
 * nextToken / max_result paging as the portal does it. The token is opaque to callers
 * (base64url of the offset and what is being listed), so a token from one listing is
 * rejected by another.
 */

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

const parseMaxResults = (raw: string | null, fallback: number): number => {
  if (raw === null) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw portalError('InvalidRequestException', 'maxResults must be an integer between 1 and 100');
  }
  return value;
};

const decodeOffset = (token: string, scope: string, total: number): number => {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
    if (decoded.s === scope && typeof decoded.o === 'number' && Number.isInteger(decoded.o) && decoded.o >= 0 && decoded.o <= total)
      return decoded.o;
  } catch {
    // fall through to the one error below
  }
  throw portalError('InvalidRequestException', 'Invalid nextToken');
};

/** One page of `items` for the query's next_token and max_result. */
export const paginate = <T>(items: readonly T[], query: URLSearchParams, scope: string, defaultPageSize: number): Page<T> => {
  const size = parseMaxResults(query.get('max_result'), defaultPageSize);
  const token = query.get('next_token');
  const offset = token ? decodeOffset(token, scope, items.length) : 0;
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextToken: Buffer.from(JSON.stringify({ s: scope, o: end })).toString('base64url') } : {}),
  };
};
