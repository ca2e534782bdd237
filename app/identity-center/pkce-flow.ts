import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import type { SsoToken } from '../model/tokens';
import type { Clock } from '../ports/clock';
import type { SecretStore } from '../ports/secret-store';
import type { OidcApi } from './clients';
import { oidcEndpointFor } from './endpoints';
import { awsErrorName, toRolecallError } from './error-mapping';
import { accountAccessScope, ensureClientRegistration, forgetClientRegistration } from './registration';
import { ssoTokenFromResponse } from './token-response';

export const callbackPath = '/oauth/callback';

/**
 * Registered without a port, as the AWS CLI does: RFC 8252 §7.3 lets a loopback redirect
 * use any port, so one registration serves every sign-in although each listens on a new port.
 */
export const registeredRedirectUri = `http://127.0.0.1${callbackPath}`;

export const defaultPkceTimeoutMs = 10 * 60 * 1000;

const base64url = (bytes: Buffer): string => bytes.toString('base64url');

/** A PKCE verifier (43 characters of base64url from 32 random bytes) and its S256 challenge. */
export const createPkcePair = (): { readonly verifier: string; readonly challenge: string } => {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
};

/** The URL that starts the browser sign-in. */
export const buildAuthorizeUrl = (options: {
  readonly authorizationEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
}): string => {
  const url = new URL(options.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('state', options.state);
  url.searchParams.set('code_challenge', options.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('scopes', accountAccessScope);
  return url.toString();
};

export interface PkceFlowOptions {
  readonly oidc: OidcApi;
  readonly instance: Instance;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  /** Shows the sign-in page to the user (opens the browser, prints the URL, …). */
  readonly open: (url: string) => Promise<void> | void;
  readonly signal?: AbortSignal;
  /** How long to wait for the browser to come back (default 10 minutes). */
  readonly timeoutMs?: number;
}

const page = (title: string, message: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family: system-ui, sans-serif; margin: 4em auto; max-width: 32em; text-align: center">` +
  `<h1>${title}</h1><p>${message}</p></body></html>`;

const answer = (response: ServerResponse, status: number, title: string, message: string): void => {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    Connection: 'close',
  });
  response.end(page(title, message));
};

type CallbackOutcome = { readonly code: string } | { readonly error: RolecallError };

/** Reads one request to the loopback listener; undefined when it is not the awaited redirect. */
const readCallback = (request: IncomingMessage, response: ServerResponse, expectedState: string): CallbackOutcome | undefined => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (request.method !== 'GET' || url.pathname !== callbackPath) {
    answer(response, 404, 'Not found', 'Nothing here.');
    return undefined;
  }
  if (url.searchParams.get('state') !== expectedState) {
    // A stale tab or another page must not end (or hijack) the sign-in in progress.
    answer(
      response,
      400,
      'Sign-in not recognised',
      'This page does not belong to the sign-in in progress; return to Rolecall and try again.',
    );
    return undefined;
  }
  const error = url.searchParams.get('error');
  if (error) {
    answer(response, 200, 'Sign-in not completed', 'You can close this tab and return to Rolecall.');
    if (error === 'access_denied') {
      return {
        error: new RolecallError('sign-in-denied', 'Sign-in was denied in the browser; start the sign-in again if that was a mistake.'),
      };
    }
    const detail = (url.searchParams.get('error_description') ?? error).replace(/\s+/g, ' ').slice(0, 200);
    return {
      error: new RolecallError(
        'invalid-request',
        `IAM Identity Center did not complete the browser sign-in (${detail}); try again, or use the device code sign-in.`,
      ),
    };
  }
  const code = url.searchParams.get('code');
  if (!code) {
    answer(response, 400, 'Sign-in not completed', 'The sign-in answer had no authorization code; return to Rolecall and try again.');
    return undefined;
  }
  answer(response, 200, 'Signed in', 'You can close this tab and return to Rolecall.');
  return { code };
};

const describeWait = (ms: number): string => {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
};

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * Signs in with authorization code + PKCE: listens on a loopback port, hands the authorize
 * URL to `open`, waits for the browser's redirect, exchanges the code. Rejects with
 * sign-in-denied, sign-in-timeout, sign-in-cancelled or what the failure maps to. The
 * listener is always closed.
 */
export const runPkceFlow = async (options: PkceFlowOptions): Promise<SsoToken> => {
  const { oidc, instance, secrets, clock, signal } = options;
  const timeoutMs = options.timeoutMs ?? defaultPkceTimeoutMs;
  const expectedState = base64url(randomBytes(24));
  const pkce = createPkcePair();
  const stopWaiting = new AbortController();
  let settle: (outcome: CallbackOutcome) => void = () => undefined;
  const callback = new Promise<CallbackOutcome>((resolve) => {
    settle = resolve;
  });
  let settled = false;
  const server = createServer((request, response) => {
    if (settled) {
      answer(response, 410, 'Sign-in already finished', 'You can close this tab.');
      return;
    }
    const outcome = readCallback(request, response, expectedState);
    if (outcome) {
      settled = true;
      settle(outcome);
    }
  });
  // Cancelling (or stopping the core) closes the loopback port at once: a browser coming back
  // later finds nothing listening, and nothing is exchanged or saved.
  const onAbort = () => {
    settled = true;
    settle({ error: new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: signal?.reason }) });
    void closeServer(server);
  };

  try {
    if (signal?.aborted) throw new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: signal.reason });
    signal?.addEventListener('abort', onAbort, { once: true });
    const port = await listen(server);
    if (signal?.aborted) throw new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: signal.reason });
    const redirectUri = `http://127.0.0.1:${port}${callbackPath}`;
    const registration = await ensureClientRegistration({
      oidc,
      instance,
      secrets,
      clock,
      flow: 'pkce',
      redirectUri: registeredRedirectUri,
      ...(signal ? { signal } : {}),
    });
    const authorizeUrl = buildAuthorizeUrl({
      authorizationEndpoint: registration.authorizationEndpoint ?? `${oidcEndpointFor(instance)}/authorize`,
      clientId: registration.clientId,
      redirectUri,
      state: expectedState,
      codeChallenge: pkce.challenge,
    });

    clock.sleep(timeoutMs, stopWaiting.signal).then(
      () =>
        settle({
          error: new RolecallError(
            'sign-in-timeout',
            `The browser sign-in was not completed within ${describeWait(timeoutMs)}; start the sign-in again.`,
          ),
        }),
      () => undefined,
    );
    await options.open(authorizeUrl);

    const outcome = await callback;
    if ('error' in outcome) throw outcome.error;

    const requestedAt = clock.now();
    try {
      const response = await oidc.send(
        new CreateTokenCommand({
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          grantType: 'authorization_code',
          code: outcome.code,
          redirectUri,
          codeVerifier: pkce.verifier,
        }),
        signal ? { abortSignal: signal } : {},
      );
      return ssoTokenFromResponse({ response, startUrl: instance.startUrl, region: instance.region, client: registration, requestedAt });
    } catch (error) {
      if (awsErrorName(error) === 'InvalidClientException' && !signal?.aborted)
        await forgetClientRegistration({ secrets, instanceId: instance.id, flow: 'pkce' });
      throw error;
    }
  } catch (error) {
    if (signal?.aborted && !(error instanceof RolecallError && error.code === 'sign-in-cancelled')) {
      throw new RolecallError('sign-in-cancelled', 'Sign-in was cancelled.', { cause: error });
    }
    throw toRolecallError(error, 'sign in');
  } finally {
    stopWaiting.abort();
    signal?.removeEventListener('abort', onAbort);
    await closeServer(server);
  }
};
