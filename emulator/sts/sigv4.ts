import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * AWS Signature Version 4, verified the way AWS verifies it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * the canonical request is rebuilt from what arrived, hashed into the string to sign, and
 * signed with the key derived from the secret the emulator issued; the signatures must match.
 * Pure functions, so the STS routes decide the error codes and the order of checks.
 */

export const algorithm = 'AWS4-HMAC-SHA256';

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  /** yyyymmdd */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** The request time the client claims (x-amz-date, else Date), epoch ms. */
  readonly requestTime: number;
  /** The x-amz-date string as sent (yyyymmddThhmmssZ). */
  readonly amzDate: string;
  /** X-Amz-Security-Token, when sent. */
  readonly securityToken?: string;
  /** Whether the signature came in the query string (a presigned request). */
  readonly presigned: boolean;
}

/** Why an Authorization could not even be parsed: AWS answers these 400 IncompleteSignature / 403 MissingAuthenticationToken. */
export class SignatureFormatError extends Error {
  constructor(
    readonly code: 'MissingAuthenticationToken' | 'IncompleteSignature',
    message: string,
  ) {
    super(message);
  }
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ percent-encoded with upper-case hex. */
export const uriEncode = (value: string, keepSlash = false): string =>
  Array.from(new TextEncoder().encode(value), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || (keepSlash && char === '/')) return char;
    return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');

const decodeComponent = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/**
 * The canonical URI: the path as sent (already encoded once by the client) encoded once more,
 * as every service but S3 wants it. An empty path is "/".
 */
export const canonicalUri = (rawPath: string): string => uriEncode(rawPath === '' ? '/' : rawPath, true);

/** Query parameters decoded, re-encoded, sorted by name then value; `omit` drops X-Amz-Signature of presigned requests. */
export const canonicalQuery = (rawQuery: string, omit?: string): string =>
  rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = decodeComponent(at < 0 ? pair : pair.slice(0, at));
      const value = at < 0 ? '' : decodeComponent(pair.slice(at + 1));
      return [uriEncode(name), uriEncode(value)] as const;
    })
    .filter(([name]) => name !== omit)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

/** One signed header's canonical value: every value trimmed, inner runs of spaces collapsed, joined by commas. */
const canonicalHeaderValue = (values: readonly string[]): string => values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');

export interface CanonicalInput {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case header name → every value it arrived with. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
  readonly presigned: boolean;
}

export const canonicalRequest = (input: CanonicalInput): string =>
  [
    input.method.toUpperCase(),
    canonicalUri(input.rawPath),
    canonicalQuery(input.rawQuery, input.presigned ? 'X-Amz-Signature' : undefined),
    ...input.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(input.headers[name] ?? [])}`),
    '',
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');

export const stringToSign = (amzDate: string, scope: string, canonical: string): string =>
  [algorithm, amzDate, scope, sha256Hex(canonical)].join('\n');

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export const signingKey = (secretAccessKey: string, date: string, region: string, service: string): Buffer =>
  hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');

export const signatureOf = (key: Buffer, toSign: string): string => createHmac('sha256', key).update(toSign, 'utf8').digest('hex');

export const payloadHashOf = (body: string): string => sha256Hex(Buffer.from(body, 'utf8'));

/** Parses yyyymmddThhmmssZ to epoch ms, or undefined. */
export const parseAmzDate = (value: string): number | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
};

/** Epoch ms → yyyymmddThhmmssZ. */
export const formatAmzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const headerOne = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Reads the signature from the Authorization header, or from the query string of a presigned
 * request. Throws SignatureFormatError when it is missing or malformed.
 */
export const parseAuthorization = (req: IncomingMessage, query: URLSearchParams): ParsedAuthorization => {
  const header = headerOne(req, 'authorization');
  const presigned = !header && query.has('X-Amz-Algorithm');
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  let securityToken: string | undefined;
  if (header) {
    if (!header.startsWith(`${algorithm} `)) {
      throw new SignatureFormatError('IncompleteSignature', `Unsupported AWS 'algorithm': '${header.split(' ')[0] ?? ''}'`);
    }
    const fields = new Map<string, string>();
    for (const part of header.slice(algorithm.length + 1).split(',')) {
      const at = part.indexOf('=');
      if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
    credential = fields.get('Credential');
    signedHeaders = fields.get('SignedHeaders');
    signature = fields.get('Signature');
    for (const [name, value] of [
      ['Credential', credential],
      ['Signature', signature],
      ['SignedHeaders', signedHeaders],
    ] as const) {
      if (!value)
        throw new SignatureFormatError(
          'IncompleteSignature',
          `Authorization header requires '${name}' parameter. Authorization=${algorithm}`,
        );
    }
    amzDate = headerOne(req, 'x-amz-date');
    securityToken = headerOne(req, 'x-amz-security-token');
    if (amzDate === undefined) {
      const date = headerOne(req, 'date');
      const ms = date ? Date.parse(date) : Number.NaN;
      if (!Number.isNaN(ms)) amzDate = formatAmzDate(ms);
    }
  } else if (presigned) {
    if (query.get('X-Amz-Algorithm') !== algorithm) {
      throw new SignatureFormatError('IncompleteSignature', `Unsupported AWS 'algorithm': '${query.get('X-Amz-Algorithm') ?? ''}'`);
    }
    credential = query.get('X-Amz-Credential') ?? undefined;
    signedHeaders = query.get('X-Amz-SignedHeaders') ?? undefined;
    signature = query.get('X-Amz-Signature') ?? undefined;
    amzDate = query.get('X-Amz-Date') ?? undefined;
    securityToken = query.get('X-Amz-Security-Token') ?? undefined;
    for (const [name, value] of [
      ['X-Amz-Credential', credential],
      ['X-Amz-Signature', signature],
      ['X-Amz-SignedHeaders', signedHeaders],
    ] as const) {
      if (!value) throw new SignatureFormatError('IncompleteSignature', `AWS query-string parameters must include '${name}'.`);
    }
  } else {
    throw new SignatureFormatError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const scope = (credential ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || scope.some((part) => part === '')) {
    throw new SignatureFormatError(
      'IncompleteSignature',
      `Credential should be scoped to a valid region, not a malformed scope: '${credential ?? ''}'.`,
    );
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string, string];
  if (amzDate === undefined)
    throw new SignatureFormatError(
      'IncompleteSignature',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${algorithm}`,
    );
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined)
    throw new SignatureFormatError('IncompleteSignature', `Invalid X-Amz-Date: '${amzDate}'. Use the format yyyyMMdd'T'HHmmss'Z'.`);
  const names = (signedHeaders ?? '').split(';');
  if (!names.includes('host'))
    throw new SignatureFormatError('IncompleteSignature', `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: names,
    signature: signature ?? '',
    requestTime,
    amzDate,
    ...(securityToken !== undefined ? { securityToken } : {}),
    presigned,
  };
};

/** Constant-time comparison of two hex signatures. */
export const sameSignature = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
};

/** What the server computes for a request: the canonical request, the string to sign and the signature. */
export const expectedSignature = (
  req: IncomingMessage,
  body: string,
  auth: ParsedAuthorization,
  secretAccessKey: string,
): { readonly canonical: string; readonly toSign: string; readonly signature: string } => {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  // Presigned requests sign UNSIGNED-PAYLOAD or the body hash they were given.
  const payloadHash = auth.presigned ? (headerOne(req, 'x-amz-content-sha256') ?? payloadHashOf(body)) : payloadHashOf(body);
  const canonical = canonicalRequest({
    method: req.method ?? 'GET',
    rawPath,
    rawQuery,
    headers: req.headersDistinct,
    signedHeaders: auth.signedHeaders,
    payloadHash,
    presigned: auth.presigned,
  });
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const toSign = stringToSign(auth.amzDate, scope, canonical);
  return { canonical, toSign, signature: signatureOf(signingKey(secretAccessKey, auth.date, auth.region, auth.service), toSign) };
};
