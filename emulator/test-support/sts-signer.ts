import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/**
 * Test-only: signs STS query requests with the AWS SDK's own SigV4 signer
 * (@smithy/signature-v4), an implementation independent of emulator/sts/sigv4.ts, and sends
 * them with fetch. Lets tests alter one thing (secret, token, clock, body) at a time.
 */

class NodeSha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedCall {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
}

export interface SignOptions {
  readonly region?: string;
  readonly service?: string;
  /** The time the signature claims (default now). */
  readonly signingDate?: Date;
  /** Replaces the body after signing (a tampered request). */
  readonly tamperedBody?: string;
  /** Presign a GET instead of signing a POST. */
  readonly presign?: boolean;
}

/** Signs `params` (Action, Version, …) as the SDK would and POSTs them to the emulator's STS endpoint. */
export const signedStsCall = async (
  endpoint: string,
  credentials: SigningCredentials,
  params: Record<string, string>,
  options: SignOptions = {},
): Promise<SignedCall> => {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    credentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'sts',
    sha256: NodeSha256,
    uriEscapePath: true,
  });
  const body = new URLSearchParams(params).toString();
  const base = { protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: '/' };
  if (options.presign) {
    const presigned = await signer.presign(
      { ...base, method: 'GET', query: params, headers: { host: url.host } },
      { expiresIn: 900, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
    );
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(presigned.query ?? {})) query.set(name, String(value));
    const res = await fetch(`${url.origin}/?${query.toString().replace(/\+/g, '%20')}`);
    return { status: res.status, text: await res.text(), headers: res.headers };
  }
  const signed = await signer.sign(
    {
      ...base,
      method: 'POST',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host'));
  const res = await fetch(`${url.origin}/`, { method: 'POST', headers, body: options.tamperedBody ?? body });
  return { status: res.status, text: await res.text(), headers: res.headers };
};

/** The text of the first `<name>` element, or undefined. */
export const xmlValue = (xml: string, name: string): string | undefined => {
  const raw = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return raw?.replace(/&(amp|lt|gt|quot|apos);/g, (_, entity: string) => entities[entity] ?? '');
};
