import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRolecallError } from '../model/errors';
import type { RoleCredentials } from '../model/tokens';

/**
 * A container credentials endpoint (what ECS and EKS Pod Identity give an SDK) on 127.0.0.1:
 * an SDK with `AWS_CONTAINER_CREDENTIALS_FULL_URI` and `AWS_CONTAINER_AUTHORIZATION_TOKEN`
 * sends the token verbatim in `Authorization` and gets
 * `{AccessKeyId, SecretAccessKey, Token, Expiration}`. Each request asks `credentials()`
 * (the core, which holds credentials until shortly before they expire and fetches new ones
 * then), so a long-running client keeps fresh credentials past the first ones' expiry.
 */
export interface ContainerCredentialsServerOptions {
  /** Credentials for the one role served; called on every authorized request. */
  readonly credentials: () => Promise<RoleCredentials>;
  /** 0 or absent: any free port. */
  readonly port?: number;
  /** The Authorization header value; default: 32 random bytes, base64url. */
  readonly token?: string;
  /** Told when a request is answered with an error (never with the credentials). */
  readonly onError?: (error: unknown) => void;
}

export interface RunningContainerCredentialsServer {
  /** The value for AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string;
  /** The value for AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  readonly token: string;
  readonly port: number;
  /** The two variables a client needs. */
  readonly env: { readonly AWS_CONTAINER_CREDENTIALS_FULL_URI: string; readonly AWS_CONTAINER_AUTHORIZATION_TOKEN: string };
  close(): Promise<void>;
}

export const CREDENTIALS_PATH = '/credentials';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time: both sides hashed to the same length first, so neither length nor prefix leaks. */
export const tokenMatches = (presented: string, expected: string): boolean => timingSafeEqual(digest(presented), digest(expected));

const send = (response: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
};

export const startContainerCredentialsServer = async (
  options: ContainerCredentialsServerOptions,
): Promise<RunningContainerCredentialsServer> => {
  const token = options.token ?? randomBytes(32).toString('base64url');

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== CREDENTIALS_PATH) return send(response, 404, { code: 'NotFound', message: 'Not found.' });
    if (request.method !== 'GET') return send(response, 405, { code: 'MethodNotAllowed', message: 'Use GET.' });
    const presented = request.headers.authorization;
    // Nothing in either answer says what the token looks like or how close a guess was.
    if (presented === undefined || presented === '') return send(response, 401, { code: 'Unauthorized', message: 'Unauthorized.' });
    if (!tokenMatches(presented, token)) return send(response, 403, { code: 'Forbidden', message: 'Forbidden.' });
    try {
      const credentials = await options.credentials();
      send(response, 200, {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: credentials.sessionToken,
        Expiration: new Date(credentials.expiration).toISOString(),
      });
    } catch (error) {
      options.onError?.(error);
      // The caller holds the token: it may read why (signed out, say), never a stack.
      const message = isRolecallError(error) ? error.userMessage : 'Rolecall could not get credentials for this role.';
      send(response, 500, { code: 'CredentialsUnavailable', message });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { code: 'InternalError', message: 'Internal error.' });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${CREDENTIALS_PATH}`;
  return {
    url,
    token,
    port,
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: url, AWS_CONTAINER_AUTHORIZATION_TOKEN: token },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
};
