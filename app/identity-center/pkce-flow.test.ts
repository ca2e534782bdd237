import { createHash } from 'node:crypto';
import { InvalidClientException, InvalidGrantException } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instances';
import { systemClock } from '../ports/clock';
import { MemorySecretStore } from '../ports/secret-store';
import { buildAuthorizeUrl, createPkcePair, registeredRedirectUri, runPkceFlow } from './pkce-flow';
import { registrationKey } from './registration';
import { ScriptedSender, type ScriptStep } from './test-support/scripted-sender';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';
import { rejection } from './test-support/rejection';

const instance: Instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-central-1',
  ssoSessionName: 'acme',
};

const now = Date.now();
const registered = (extra: object = {}): ScriptStep => ({
  op: 'RegisterClient',
  reply: {
    clientId: 'pkce-client',
    clientSecret: 'pkce-secret',
    clientIdIssuedAt: Math.floor(now / 1000),
    clientSecretExpiresAt: Math.floor(now / 1000) + 90 * 86_400,
    ...extra,
  },
});
const tokenIssued: ScriptStep = {
  op: 'CreateToken',
  reply: { accessToken: 'access-pkce', expiresIn: 3600, refreshToken: 'refresh-pkce', tokenType: 'Bearer' },
};

const callbackUrl = (authorizeUrl: string, params: Record<string, string>): string => {
  const redirect = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri')!);
  for (const [key, value] of Object.entries(params)) redirect.searchParams.set(key, value);
  return redirect.toString();
};

const listenerGone = async (url: string): Promise<boolean> =>
  fetch(url).then(
    () => false,
    () => true,
  );

describe('PKCE helpers', () => {
  it('makes a 43-character verifier and its S256 challenge', () => {
    const { verifier, challenge } = createPkcePair();
    expect(verifier).toMatch(/^[\w-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(createPkcePair().verifier).not.toBe(verifier);
  });

  it('builds the authorize URL with every parameter Identity Center needs', () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizationEndpoint: 'https://oidc.eu-central-1.amazonaws.com/authorize',
        clientId: 'c',
        redirectUri: 'http://127.0.0.1:5000/oauth/callback',
        state: 's',
        codeChallenge: 'x',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://oidc.eu-central-1.amazonaws.com/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'c',
      redirect_uri: 'http://127.0.0.1:5000/oauth/callback',
      state: 's',
      code_challenge: 'x',
      code_challenge_method: 'S256',
      scopes: 'sso:account:access',
    });
  });
});

describe('runPkceFlow', () => {
  it('opens the authorize URL, takes the browser redirect with the right state, and exchanges the code with the verifier', async () => {
    const oidc = new ScriptedSender([registered(), tokenIssued]);
    const secrets = new MemorySecretStore();
    let authorizeUrl = '';
    const pages: { status: number; text: string }[] = [];
    const token = await runPkceFlow({
      oidc,
      instance,
      secrets,
      clock: systemClock,
      open: async (url) => {
        authorizeUrl = url;
        // A stale tab with another state is refused and does not end the sign-in.
        const stale = await fetch(callbackUrl(url, { code: 'forged', state: 'other' }));
        pages.push({ status: stale.status, text: await stale.text() });
        const ok = await fetch(callbackUrl(url, { code: 'the-code', state: new URL(url).searchParams.get('state')! }));
        pages.push({ status: ok.status, text: await ok.text() });
      },
    });

    const params = new URL(authorizeUrl).searchParams;
    expect(authorizeUrl.startsWith('https://oidc.eu-central-1.amazonaws.com/authorize?')).toBe(true);
    expect(params.get('client_id')).toBe('pkce-client');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scopes')).toBe('sso:account:access');
    expect(params.get('state')).toMatch(/^[\w-]{32}$/);
    const redirectUri = params.get('redirect_uri')!;
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);

    expect(pages[0]!.status).toBe(400);
    expect(pages[1]).toMatchObject({ status: 200, text: expect.stringContaining('You can close this tab') });

    expect(oidc.callsOf('RegisterClient')[0]!.input).toMatchObject({
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [registeredRedirectUri],
      issuerUrl: instance.startUrl,
      scopes: ['sso:account:access'],
    });
    const exchange = oidc.callsOf('CreateToken')[0]!.input;
    expect(exchange).toMatchObject({
      clientId: 'pkce-client',
      clientSecret: 'pkce-secret',
      grantType: 'authorization_code',
      code: 'the-code',
      redirectUri,
    });
    expect(
      createHash('sha256')
        .update(exchange.codeVerifier as string)
        .digest('base64url'),
    ).toBe(params.get('code_challenge'));

    expect(token).toMatchObject({
      accessToken: 'access-pkce',
      refreshToken: 'refresh-pkce',
      clientId: 'pkce-client',
      startUrl: instance.startUrl,
      region: 'eu-central-1',
    });
    expect(token.expiresAt).toBeGreaterThanOrEqual(now + 3_600_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(await listenerGone(redirectUri)).toBe(true);
  });

  it('uses the authorization endpoint the registration names', async () => {
    const oidc = new ScriptedSender([registered({ authorizationEndpoint: 'https://elsewhere.example/authorize' }), tokenIssued]);
    let opened = '';
    await runPkceFlow({
      oidc,
      instance,
      secrets: new MemorySecretStore(),
      clock: systemClock,
      open: async (url) => {
        opened = url;
        await fetch(callbackUrl(url, { code: 'c', state: new URL(url).searchParams.get('state')! }));
      },
    });
    expect(opened.startsWith('https://elsewhere.example/authorize?')).toBe(true);
  });

  it('reuses the cached registration across sign-ins although each listens on a new port', async () => {
    const oidc = new ScriptedSender([registered(), tokenIssued, tokenIssued]);
    const secrets = new MemorySecretStore();
    const ports: string[] = [];
    const open = async (url: string) => {
      ports.push(new URL(new URL(url).searchParams.get('redirect_uri')!).port);
      await fetch(callbackUrl(url, { code: 'c', state: new URL(url).searchParams.get('state')! }));
    };
    await runPkceFlow({ oidc, instance, secrets, clock: systemClock, open });
    await runPkceFlow({ oidc, instance, secrets, clock: systemClock, open });
    expect(oidc.callsOf('RegisterClient')).toHaveLength(1);
    expect(ports[0]).not.toBe(ports[1]);
  });

  it('ends with sign-in-denied when the browser says access_denied, and closes the listener', async () => {
    const oidc = new ScriptedSender([registered()]);
    let redirectUri = '';
    let page = '';
    const error = await rejection(
      runPkceFlow({
        oidc,
        instance,
        secrets: new MemorySecretStore(),
        clock: systemClock,
        open: async (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri')!;
          const response = await fetch(
            callbackUrl(url, {
              error: 'access_denied',
              error_description: 'The user denied',
              state: new URL(url).searchParams.get('state')!,
            }),
          );
          page = await response.text();
        },
      }),
    );
    expect(error.code).toBe('sign-in-denied');
    expect(page).toContain('You can close this tab');
    expect(oidc.callsOf('CreateToken')).toHaveLength(0);
    expect(await listenerGone(redirectUri)).toBe(true);
  });

  it('ends with sign-in-timeout and a plain message when the browser never comes back', async () => {
    const oidc = new ScriptedSender([registered()]);
    const clock = new AdjustableClock({ start: Date.UTC(2025, 0, 1), sleeps: 'step' });
    let redirectUri = '';
    const error = await rejection(
      runPkceFlow({
        oidc,
        instance,
        secrets: new MemorySecretStore(),
        clock,
        timeoutMs: 10 * 60_000,
        open: (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri')!;
        },
      }),
    );
    expect(error.code).toBe('sign-in-timeout');
    expect(error.userMessage).toBe('The browser sign-in was not completed within 10 minutes; start the sign-in again.');
    expect(clock.sleeps).toEqual([600_000]);
    expect(await listenerGone(redirectUri)).toBe(true);
  });

  it('is cancelled by the signal while waiting for the browser', async () => {
    const oidc = new ScriptedSender([registered()]);
    const abort = new AbortController();
    let redirectUri = '';
    // The real clock, with its sleeps recorded: the browser wait is one 10-minute timer, so only
    // the abort can end the flow within the test's timeout (how soon is a figure in bench/cancel).
    const clock = new AdjustableClock();
    const error = await rejection(
      runPkceFlow({
        oidc,
        instance,
        secrets: new MemorySecretStore(),
        clock,
        timeoutMs: 10 * 60_000,
        signal: abort.signal,
        open: (url) => {
          redirectUri = new URL(url).searchParams.get('redirect_uri')!;
          setTimeout(() => abort.abort(), 20);
        },
      }),
    );
    expect(error.code).toBe('sign-in-cancelled');
    expect(clock.sleeps).toEqual([600_000]);
    expect(oidc.callsOf('CreateToken')).toHaveLength(0);
    expect(await listenerGone(redirectUri)).toBe(true);
  });

  it('maps a refused exchange, and forgets a registration AWS no longer knows', async () => {
    const secrets = new MemorySecretStore();
    const play = async (url: string) => {
      await fetch(callbackUrl(url, { code: 'c', state: new URL(url).searchParams.get('state')! }));
    };
    const grant = new ScriptedSender([
      registered(),
      { op: 'CreateToken', reply: new InvalidGrantException({ $metadata: { httpStatusCode: 400 }, message: 'bad code' }) },
    ]);
    expect((await rejection(runPkceFlow({ oidc: grant, instance, secrets, clock: systemClock, open: play }))).code).toBe('invalid-grant');
    expect(await secrets.get(registrationKey('acme', 'pkce'))).toBeDefined();

    const client = new ScriptedSender([
      { op: 'CreateToken', reply: new InvalidClientException({ $metadata: { httpStatusCode: 401 }, message: 'gone' }) },
    ]);
    expect((await rejection(runPkceFlow({ oidc: client, instance, secrets, clock: systemClock, open: play }))).code).toBe('invalid-client');
    expect(await secrets.get(registrationKey('acme', 'pkce'))).toBeUndefined();
  });

  it('answers 404 off the callback path and keeps waiting', async () => {
    const oidc = new ScriptedSender([registered(), tokenIssued]);
    let stray = 0;
    await runPkceFlow({
      oidc,
      instance,
      secrets: new MemorySecretStore(),
      clock: systemClock,
      open: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
        stray = (await fetch(`${redirect.origin}/favicon.ico`)).status;
        await fetch(callbackUrl(url, { code: 'c', state: new URL(url).searchParams.get('state')! }));
      },
    });
    expect(stray).toBe(404);
  });
});
