import { createHash, randomBytes } from 'node:crypto';
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InvalidClientException,
  InvalidGrantException,
  InvalidRequestException,
  InvalidRedirectUriException,
  RegisterClientCommand,
  SlowDownException,
  StartDeviceAuthorizationCommand,
  UnsupportedGrantTypeException,
} from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand } from '@aws-sdk/client-sso';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './options';
import {
  adminCall,
  createDeviceToken,
  deviceGrant,
  isolateHome,
  manualClock,
  oidcClient,
  portalClient,
  quietEmulator,
  registerDeviceClient,
  signIn,
} from './test-support/test-helpers';

beforeAll(() => {
  isolateHome();
});

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const startDevice = async (e: RunningEmulator) => {
  const oidc = oidcClient(e);
  const client = await registerDeviceClient(oidc);
  const device = await oidc.send(
    new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: e.startUrl }),
  );
  const poll = () => createDeviceToken(oidc, client, device);
  return { oidc, client, device, poll };
};

describe('RegisterClient', () => {
  it('returns epoch-second timestamps and the code endpoints only for authorization_code clients', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ now: clock.now, registrationTtlSeconds: 3600 });
    const oidc = oidcClient(emu);
    const device = await registerDeviceClient(oidc);
    expect(device.clientIdIssuedAt).toBe(clock.now() / 1000);
    expect(device.clientSecretExpiresAt).toBe(clock.now() / 1000 + 3600);
    expect(device.authorizationEndpoint).toBeUndefined();
    const pkce = await oidc.send(
      new RegisterClientCommand({
        clientName: 'pkce',
        clientType: 'public',
        scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: emu.startUrl,
      }),
    );
    expect(pkce.authorizationEndpoint).toBe(`${emu.url}/authorize`);
    expect(pkce.tokenEndpoint).toBe(`${emu.url}/token`);
  });

  it('rejects non-loopback redirect URIs and unknown grant types with the modeled exceptions', async () => {
    emu = await quietEmulator();
    const oidc = oidcClient(emu);
    await expect(
      oidc.send(
        new RegisterClientCommand({
          clientName: 'x',
          clientType: 'public',
          grantTypes: ['authorization_code'],
          redirectUris: ['https://evil.example/cb'],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidRedirectUriException);
    await expect(
      oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public', grantTypes: ['password'] })),
    ).rejects.toBeInstanceOf(UnsupportedGrantTypeException);
  });
});

describe('device authorization grant', () => {
  it('is pending until approved, then issues tokens once', async () => {
    emu = await quietEmulator({ deviceCodeTtlSeconds: 300 });
    const { device, poll } = await startDevice(emu);
    expect(device.userCode).toMatch(/^[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}$/);
    expect(device.verificationUri).toBe(`${emu.url}/device`);
    expect(device.verificationUriComplete).toBe(`${emu.url}/device?user_code=${device.userCode}`);
    expect(device.expiresIn).toBe(300);
    expect(device.interval).toBe(0);

    const pending = await poll().catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(AuthorizationPendingException);
    expect((pending as AuthorizationPendingException).error).toBe('authorization_pending');
    expect((pending as AuthorizationPendingException).$metadata.httpStatusCode).toBe(400);
    expect(emu.pendingUserCodes()).toEqual([device.userCode]);

    const approved = await adminCall(emu, 'POST', '/_emulator/device/approve', { userCode: device.userCode });
    expect(approved).toEqual({ status: 200, json: { userCode: device.userCode, result: 'approved' } });
    expect(emu.pendingUserCodes()).toEqual([]);

    const token = await poll();
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiresIn).toBe(8 * 3600);
    expect(token.accessToken).toMatch(/^aoa/);
    expect(token.refreshToken).toMatch(/^aor/);
    // Single use: the same device code cannot be exchanged twice.
    await expect(poll()).rejects.toBeInstanceOf(InvalidGrantException);
  });

  it('answers SlowDownException when polled faster than the interval, and adds 5 s to it', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ deviceCodeIntervalSeconds: 1, now: clock.now });
    const { device, poll } = await startDevice(emu);
    expect(device.interval).toBe(1);
    await expect(poll()).rejects.toBeInstanceOf(AuthorizationPendingException);
    const fast = await poll().catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(SlowDownException);
    expect((fast as SlowDownException).error).toBe('slow_down');
    // interval + 5 s is enough…
    clock.advance(6001);
    await expect(poll()).rejects.toBeInstanceOf(AuthorizationPendingException);
    // …but the old interval no longer is.
    clock.advance(1500);
    await expect(poll()).rejects.toBeInstanceOf(SlowDownException);
  });

  it('expires the device code by the injected clock', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ deviceCodeTtlSeconds: 60, now: clock.now });
    const { device, poll } = await startDevice(emu);
    clock.advance(60_000);
    await expect(poll()).rejects.toBeInstanceOf(ExpiredTokenException);
    expect(() => emu?.approveDevice(device.userCode ?? '')).toThrow(/expired/);
    expect(emu.pendingUserCodes()).toEqual([]);
  });

  it('reports AccessDeniedException after a deny', async () => {
    emu = await quietEmulator();
    const { device, poll } = await startDevice(emu);
    const denied = await adminCall(emu, 'POST', '/_emulator/device/deny', { userCode: device.userCode });
    expect(denied.status).toBe(200);
    const error = await poll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect((error as AccessDeniedException).error).toBe('access_denied');
    expect((await adminCall(emu, 'POST', '/_emulator/device/approve', { userCode: device.userCode })).status).toBe(409);
    expect((await adminCall(emu, 'POST', '/_emulator/device/approve', { userCode: 'ZZZZ-ZZZZ' })).status).toBe(404);
  });

  it('auto-approves when asked to', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { poll } = await startDevice(emu);
    expect((await poll()).accessToken).toBeTruthy();
  });

  it('rejects a start URL from another instance and a wrong client secret', async () => {
    emu = await quietEmulator();
    const oidc = oidcClient(emu);
    const client = await registerDeviceClient(oidc);
    await expect(
      oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          startUrl: 'https://d-123.awsapps.com/start',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(
      oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: 'nope', startUrl: emu.startUrl })),
    ).rejects.toBeInstanceOf(InvalidClientException);
  });
});

describe('refresh and registration lifetimes', () => {
  it('rotates refresh tokens and invalidates the old one', async () => {
    emu = await quietEmulator();
    const oidc = oidcClient(emu);
    const { client, token } = await signIn(emu, oidc);
    const refresh = (refreshToken: string | undefined) =>
      oidc.send(
        new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'refresh_token', refreshToken }),
      );
    const next = await refresh(token.refreshToken);
    expect(next.accessToken).not.toBe(token.accessToken);
    expect(next.refreshToken).not.toBe(token.refreshToken);
    await expect(refresh(token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
    const sso = portalClient(emu);
    expect((await sso.send(new ListAccountsCommand({ accessToken: next.accessToken }))).accountList).toHaveLength(5);
    expect((await refresh(next.refreshToken)).accessToken).toBeTruthy();
  });

  it('issues refresh tokens as AWS does: scopes without grantTypes (the AWS CLI v2 registration) yes, grantTypes without refresh_token no, no scopes no', async () => {
    const e = await quietEmulator({ autoApprove: true });
    emu = e;
    const oidc = oidcClient(e);
    const tokenFor = async (registration: Omit<ConstructorParameters<typeof RegisterClientCommand>[0], 'clientName' | 'clientType'>) => {
      const client = await oidc.send(
        new RegisterClientCommand({ clientName: 'botocore-client-test', clientType: 'public', ...registration }),
      );
      const device = await oidc.send(
        new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: e.startUrl }),
      );
      const token = await createDeviceToken(oidc, client, device);
      return { client, token };
    };
    const cliV2 = await tokenFor({ scopes: ['sso:account:access'] });
    expect(cliV2.token.refreshToken).toMatch(/^aor/);
    // Rotation as for any refreshable client.
    const refreshed = await oidc.send(
      new CreateTokenCommand({
        clientId: cliV2.client.clientId,
        clientSecret: cliV2.client.clientSecret,
        grantType: 'refresh_token',
        refreshToken: cliV2.token.refreshToken,
      }),
    );
    expect(refreshed.refreshToken).toMatch(/^aor/);
    expect(refreshed.refreshToken).not.toBe(cliV2.token.refreshToken);
    await expect(
      oidc.send(
        new CreateTokenCommand({
          clientId: cliV2.client.clientId,
          clientSecret: cliV2.client.clientSecret,
          grantType: 'refresh_token',
          refreshToken: cliV2.token.refreshToken,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidGrantException);

    expect((await tokenFor({ scopes: ['sso:account:access'], grantTypes: [deviceGrant] })).token.refreshToken).toBeUndefined();
    expect((await tokenFor({ scopes: ['sso:account:access'], grantTypes: [deviceGrant, 'refresh_token'] })).token.refreshToken).toMatch(
      /^aor/,
    );
    expect((await tokenFor({ grantTypes: [deviceGrant, 'refresh_token'] })).token.refreshToken).toBeUndefined();
    expect((await tokenFor({})).token.refreshToken).toBeUndefined();
  });

  it('issues no refresh token when the client did not register for one, or when disabled', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const oidc = oidcClient(emu);
    const legacy = await oidc.send(new RegisterClientCommand({ clientName: 'legacy', clientType: 'public' }));
    const device = await oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: legacy.clientId, clientSecret: legacy.clientSecret, startUrl: emu.startUrl }),
    );
    const token = await createDeviceToken(oidc, legacy, device);
    expect(token.accessToken).toBeTruthy();
    expect(token.refreshToken).toBeUndefined();
    await emu.close();
    emu = await quietEmulator({ autoApprove: true, issueRefreshTokens: false });
    expect((await signIn(emu)).token.refreshToken).toBeUndefined();
  });

  it('expires registrations: InvalidClientException afterwards', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ now: clock.now, registrationTtlSeconds: 600 });
    const oidc = oidcClient(emu);
    const { client, token } = await signIn(emu, oidc);
    clock.advance(600_000);
    const error = await oidc
      .send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: 'refresh_token',
          refreshToken: token.refreshToken,
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidClientException);
    expect((error as InvalidClientException).$metadata.httpStatusCode).toBe(401);
    await expect(
      oidc.send(
        new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: emu.startUrl }),
      ),
    ).rejects.toBeInstanceOf(InvalidClientException);
  });

  it('expires refresh tokens by the injected clock', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ now: clock.now, refreshTokenTtlSeconds: 100 });
    const oidc = oidcClient(emu);
    const { client, token } = await signIn(emu, oidc);
    clock.advance(100_000);
    await expect(
      oidc.send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: 'refresh_token',
          refreshToken: token.refreshToken,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidGrantException);
  });
});

describe('authorization code grant with PKCE', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  const registerPkce = async (e: RunningEmulator) =>
    oidcClient(e).send(
      new RegisterClientCommand({
        clientName: 'rolecall-pkce',
        clientType: 'public',
        scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: e.startUrl,
      }),
    );

  const authorizeUrl = (e: RunningEmulator, clientId: string, redirectUri: string): string => {
    const url = new URL(`${e.url}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state: 'st-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scopes: 'sso:account:access',
    }).toString();
    return url.toString();
  };

  /** Loads the consent page and presses a button, as a browser would. */
  const consent = async (e: RunningEmulator, clientId: string, redirectUri: string, decision: 'allow' | 'deny'): Promise<URL> => {
    const page = await fetch(authorizeUrl(e, clientId, redirectUri));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="allow"');
    expect(html).toContain('id="deny"');
    const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const answer = await fetch(`${e.url}/authorize/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: requestId, decision }).toString(),
    });
    expect(answer.status).toBe(302);
    return new URL(answer.headers.get('location') ?? '');
  };

  it('redirects with a code and state, and exchanges it only with the right verifier and redirect URI', async () => {
    emu = await quietEmulator();
    const client = await registerPkce(emu);
    const redirectUri = 'http://127.0.0.1:53111/oauth/callback';
    const oidc = oidcClient(emu);
    const exchange = (code: string, codeVerifier: string, uri = redirectUri) =>
      oidc.send(
        new CreateTokenCommand({
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          grantType: 'authorization_code',
          code,
          redirectUri: uri,
          codeVerifier,
        }),
      );

    const first = await consent(emu, client.clientId ?? '', redirectUri, 'allow');
    expect(`${first.origin}${first.pathname}`).toBe(redirectUri);
    expect(first.searchParams.get('state')).toBe('st-123');
    await expect(exchange(first.searchParams.get('code') ?? '', `${verifier}x`)).rejects.toBeInstanceOf(InvalidGrantException);

    const second = await consent(emu, client.clientId ?? '', redirectUri, 'allow');
    await expect(exchange(second.searchParams.get('code') ?? '', verifier, 'http://127.0.0.1:1/other')).rejects.toBeInstanceOf(
      InvalidGrantException,
    );

    const third = await consent(emu, client.clientId ?? '', redirectUri, 'allow');
    const token = await exchange(third.searchParams.get('code') ?? '', verifier);
    expect(token.accessToken).toMatch(/^aoa/);
    expect(token.refreshToken).toMatch(/^aor/);
    // A code is single-use.
    await expect(exchange(third.searchParams.get('code') ?? '', verifier)).rejects.toBeInstanceOf(InvalidGrantException);
  });

  it('redirects with error=access_denied on Deny', async () => {
    emu = await quietEmulator();
    const client = await registerPkce(emu);
    const location = await consent(emu, client.clientId ?? '', 'http://127.0.0.1:40000/oauth/callback', 'deny');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('shows a clear error page for unknown clients and non-loopback redirects, and redirects at once with autoApprove', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const client = await registerPkce(emu);
    const unknown = await fetch(authorizeUrl(emu, 'no-such-client', 'http://127.0.0.1:1/oauth/callback'));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/id="error">Unknown or expired client_id/);
    const remote = await fetch(authorizeUrl(emu, client.clientId ?? '', 'https://example.com/oauth/callback'));
    expect(remote.status).toBe(400);
    expect(await remote.text()).toMatch(/loopback/);
    const auto = await fetch(authorizeUrl(emu, client.clientId ?? '', 'http://127.0.0.1:40001/oauth/callback'), { redirect: 'manual' });
    expect(auto.status).toBe(302);
    expect(new URL(auto.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();
  });
});
