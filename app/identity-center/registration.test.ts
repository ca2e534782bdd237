import { InvalidClientMetadataException } from '@aws-sdk/client-sso-oidc';
import { describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import type { Instance } from '../model/instances';
import { MemorySecretStore, type SecretStore } from '../ports/secret-store';
import { ensureClientRegistration, forgetClientRegistration, registrationKey, renewalMarginMs, type SignInFlow } from './registration';
import { ScriptedSender, type ScriptStep } from './test-support/scripted-sender';
import { AdjustableClock } from '../ports/test-support/adjustable-clock';

const instance: Instance = {
  id: 'acme',
  label: 'Acme',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'us-east-1',
  ssoSessionName: 'acme',
};

const day = 86_400_000;

const registered = (clientId: string, now: number, lifetimeMs = 90 * day, extra: object = {}): ScriptStep => ({
  op: 'RegisterClient',
  reply: {
    clientId,
    clientSecret: `${clientId}-secret`,
    clientIdIssuedAt: Math.floor(now / 1000),
    clientSecretExpiresAt: Math.floor((now + lifetimeMs) / 1000),
    ...extra,
  },
});

const setup = (steps: ScriptStep[] = []) => {
  const clock = new AdjustableClock({ start: Date.UTC(2025, 0, 1), sleeps: 'step' });
  const oidc = new ScriptedSender(steps);
  const secrets = new MemorySecretStore();
  const ensure = (flow: SignInFlow = 'device', more: { redirectUri?: string; instance?: Instance; secrets?: SecretStore } = {}) =>
    ensureClientRegistration({
      oidc,
      instance: more.instance ?? instance,
      secrets: more.secrets ?? secrets,
      clock,
      flow,
      ...(more.redirectUri ? { redirectUri: more.redirectUri } : {}),
    });
  return { clock, oidc, secrets, ensure };
};

describe('ensureClientRegistration', () => {
  it('registers a public device client for account access and caches it as JSON under registration/<id>/<flow>', async () => {
    const { clock, oidc, secrets, ensure } = setup();
    oidc.then(registered('c1', clock.now()));
    const registration = await ensure('device');
    expect(oidc.calls[0]!.input).toEqual({
      clientName: 'rolecall',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
    });
    expect(registration).toMatchObject({ clientId: 'c1', clientSecret: 'c1-secret', expiresAt: clock.now() + 90 * day });
    expect(JSON.parse((await secrets.get('registration/acme/device'))!)).toEqual(registration);
  });

  it('registers a PKCE client with its redirect URI, the start URL as issuer, and keeps the authorization endpoint', async () => {
    const { clock, oidc, ensure } = setup();
    oidc.then(registered('c1', clock.now(), 90 * day, { authorizationEndpoint: 'https://oidc.us-east-1.amazonaws.com/authorize' }));
    const registration = await ensure('pkce', { redirectUri: 'http://127.0.0.1/oauth/callback' });
    expect(oidc.calls[0]!.input).toEqual({
      clientName: 'rolecall',
      clientType: 'public',
      scopes: ['sso:account:access'],
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
      issuerUrl: instance.startUrl,
    });
    expect(registration.authorizationEndpoint).toBe('https://oidc.us-east-1.amazonaws.com/authorize');
  });

  it('reuses the cached registration until an hour before it expires', async () => {
    const { clock, oidc, ensure } = setup();
    oidc.then(registered('c1', clock.now()));
    await ensure();
    clock.advance(90 * day - 61 * 60_000);
    expect((await ensure()).clientId).toBe('c1');
    clock.advance(2 * 60_000);
    oidc.then(registered('c2', clock.now()));
    expect((await ensure()).clientId).toBe('c2');
    expect(oidc.callsOf('RegisterClient')).toHaveLength(2);
  });

  it('renews a short-lived registration at half its life rather than on every call', async () => {
    expect(renewalMarginMs({ issuedAt: 0, expiresAt: 90 * day })).toBe(3_600_000);
    expect(renewalMarginMs({ issuedAt: 0, expiresAt: 600_000 })).toBe(300_000);
    const { clock, oidc, ensure } = setup();
    oidc.then(registered('c1', clock.now(), 600_000));
    await ensure();
    clock.advance(200_000);
    expect((await ensure()).clientId).toBe('c1');
    clock.advance(100_000);
    oidc.then(registered('c2', clock.now(), 600_000));
    expect((await ensure()).clientId).toBe('c2');
  });

  it('keeps device and PKCE registrations apart', async () => {
    const { clock, oidc, ensure } = setup();
    oidc.then(registered('device-client', clock.now()), registered('pkce-client', clock.now()));
    expect((await ensure('device')).clientId).toBe('device-client');
    expect((await ensure('pkce', { redirectUri: 'http://127.0.0.1/oauth/callback' })).clientId).toBe('pkce-client');
    expect((await ensure('device')).clientId).toBe('device-client');
  });

  it('registers again when the cached entry is unreadable', async () => {
    const { clock, oidc, secrets, ensure } = setup();
    for (const garbage of ['{not json', JSON.stringify({ clientId: 'x' }), '']) {
      await secrets.set(registrationKey('acme', 'device'), garbage);
      oidc.then(registered('fresh', clock.now()));
      expect((await ensure()).clientId).toBe('fresh');
      await secrets.delete(registrationKey('acme', 'device'));
    }
  });

  it('registers again when the secret store cannot be read, and still signs in when it cannot be written', async () => {
    const { clock, oidc, ensure } = setup();
    const broken: SecretStore = {
      get: () => Promise.reject(new Error('keyring locked')),
      set: () => Promise.reject(new Error('keyring locked')),
      delete: () => Promise.reject(new Error('keyring locked')),
    };
    oidc.then(registered('c1', clock.now()));
    expect((await ensure('device', { secrets: broken })).clientId).toBe('c1');
    await expect(forgetClientRegistration({ secrets: broken, instanceId: 'acme' })).resolves.toBeUndefined();
  });

  it('registers again when the cached registration was made for other grant types, redirect or endpoint', async () => {
    const { clock, oidc, secrets, ensure } = setup();
    oidc.then(registered('c1', clock.now()));
    const cached = await ensure('pkce', { redirectUri: 'http://127.0.0.1/oauth/callback' });

    oidc.then(registered('other-redirect', clock.now()));
    expect((await ensure('pkce', { redirectUri: 'http://127.0.0.1/other' })).clientId).toBe('other-redirect');

    await secrets.set(registrationKey('acme', 'pkce'), JSON.stringify({ ...cached, grantTypes: ['authorization_code'] }));
    oidc.then(registered('other-grants', clock.now()));
    expect((await ensure('pkce', { redirectUri: 'http://127.0.0.1/oauth/callback' })).clientId).toBe('other-grants');

    await secrets.set(registrationKey('acme', 'pkce'), JSON.stringify({ ...cached, scopes: ['openid'] }));
    oidc.then(registered('other-scopes', clock.now()));
    expect((await ensure('pkce', { redirectUri: 'http://127.0.0.1/oauth/callback' })).clientId).toBe('other-scopes');

    const moved: Instance = { ...instance, region: 'eu-west-1' };
    oidc.then(registered('other-endpoint', clock.now()));
    expect((await ensure('pkce', { redirectUri: 'http://127.0.0.1/oauth/callback', instance: moved })).clientId).toBe('other-endpoint');
  });

  it('uses a registration without an expiry for this sign-in only', async () => {
    const { oidc, secrets, ensure } = setup();
    oidc.then(
      { op: 'RegisterClient', reply: { clientId: 'c1', clientSecret: 's1' } },
      { op: 'RegisterClient', reply: { clientId: 'c2', clientSecret: 's2' } },
    );
    expect((await ensure()).clientId).toBe('c1');
    expect(await secrets.get(registrationKey('acme', 'device'))).toBeUndefined();
    expect((await ensure()).clientId).toBe('c2');
  });

  it('maps a rejected registration to a RolecallError', async () => {
    const { oidc, ensure } = setup();
    oidc.then({
      op: 'RegisterClient',
      reply: new InvalidClientMetadataException({ $metadata: { httpStatusCode: 400 }, message: 'bad metadata' }),
    });
    const error = await ensure().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RolecallError);
    expect((error as RolecallError).code).toBe('invalid-request');
  });

  it('refuses an answer without client credentials', async () => {
    const { oidc, ensure } = setup();
    oidc.then({ op: 'RegisterClient', reply: { clientSecretExpiresAt: 1 } });
    await expect(ensure()).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('forgetClientRegistration', () => {
  it('forgets one flow, or both', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(registrationKey('acme', 'device'), 'a');
    await secrets.set(registrationKey('acme', 'pkce'), 'b');
    await secrets.set(registrationKey('other', 'device'), 'c');
    await forgetClientRegistration({ secrets, instanceId: 'acme', flow: 'pkce' });
    expect(await secrets.get(registrationKey('acme', 'pkce'))).toBeUndefined();
    expect(await secrets.get(registrationKey('acme', 'device'))).toBe('a');
    await forgetClientRegistration({ secrets, instanceId: 'acme' });
    expect(await secrets.get(registrationKey('acme', 'device'))).toBeUndefined();
    expect(await secrets.get(registrationKey('other', 'device'))).toBe('c');
  });
});
