import { GetRoleCredentialsCommand } from '@aws-sdk/client-sso';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from './directory-seed';
import { regionFromDestination } from './federation-routes';
import type { RunningEmulator } from './options';
import { isolateHome, manualClock, portalClient, quietEmulator, signIn } from './test-support/test-helpers';

beforeAll(() => {
  isolateHome();
});

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const credentialsFor = async (e: RunningEmulator, roleName: string) => {
  const { accessToken } = await signIn(e);
  const accountId = generateDirectory({ accounts: 5, rolesPerAccount: 3, seed: 7 })[0]?.accountId ?? '';
  const creds = (await portalClient(e).send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }))).roleCredentials;
  return { accountId, creds };
};

const sessionParam = (creds: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string } | undefined): string =>
  encodeURIComponent(
    JSON.stringify({ sessionId: creds?.accessKeyId, sessionKey: creds?.secretAccessKey, sessionToken: creds?.sessionToken }),
  );

describe('console federation', () => {
  it('getSigninToken + login lands on a console page for the right account, role and region', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { accountId, creds } = await credentialsFor(emu, 'ReadOnlyAccess');
    const tokenRes = await fetch(`${emu.federationEndpoint}?Action=getSigninToken&Session=${sessionParam(creds)}`);
    expect(tokenRes.status).toBe(200);
    const { SigninToken } = (await tokenRes.json()) as { SigninToken: string };
    expect(SigninToken.length).toBeGreaterThan(50);
    expect(emu.counters().GetSigninToken?.requests).toBe(1);

    const destination = 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1';
    const login = `${emu.federationEndpoint}?Action=login&Issuer=rolecall&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(SigninToken)}`;
    const redirect = await fetch(login, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${emu.url}/console?session=`)).toBe(true);
    const page = await (await fetch(location)).text();
    expect(page).toContain(`<dd id="account-id">${accountId}</dd>`);
    expect(page).toContain('<dd id="role-name">ReadOnlyAccess</dd>');
    expect(page).toContain('<dd id="region">eu-west-1</dd>');
    expect(page).toContain(`<dd id="destination">${destination.replace(/&/g, '&amp;')}</dd>`);

    // The sign-in token works once.
    expect((await fetch(login, { redirect: 'manual' })).status).toBe(400);
  });

  it('refuses credentials it did not issue, tampered ones and expired ones with a plain 400', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ autoApprove: true, now: clock.now, roleCredentialsTtlSeconds: 900 });
    const { creds } = await credentialsFor(emu, 'AdministratorAccess');
    const ask = (session: string) => fetch(`${emu?.federationEndpoint}?Action=getSigninToken&Session=${session}`);
    const forged = await ask(sessionParam({ ...creds, secretAccessKey: 'x'.repeat(40) }));
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toMatch(/text\/plain/);
    expect((await ask('not-json')).status).toBe(400);
    expect((await ask(sessionParam({ accessKeyId: 'ASIAUNKNOWN', secretAccessKey: 'a', sessionToken: 'b' }))).status).toBe(400);
    clock.advance(900_000);
    expect((await ask(sessionParam(creds))).status).toBe(400);
  });

  it('sign-in tokens expire after 15 minutes', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ autoApprove: true, now: clock.now });
    const { creds } = await credentialsFor(emu, 'AdministratorAccess');
    const { SigninToken } = (await (
      await fetch(`${emu.federationEndpoint}?Action=getSigninToken&Session=${sessionParam(creds)}`)
    ).json()) as { SigninToken: string };
    clock.advance(15 * 60_000);
    const login = await fetch(
      `${emu.federationEndpoint}?Action=login&Issuer=x&Destination=${encodeURIComponent('https://console.aws.amazon.com/')}&SigninToken=${SigninToken}`,
      { redirect: 'manual' },
    );
    expect(login.status).toBe(400);
    expect(await login.text()).toContain('id="error"');
  });

  it('reads the region from the destination query, then the host', () => {
    expect(regionFromDestination('https://console.aws.amazon.com/ec2/home?region=ap-southeast-2')).toBe('ap-southeast-2');
    expect(regionFromDestination('https://us-gov-west-1.console.amazonaws-us-gov.com/s3')).toBe('us-gov-west-1');
    expect(regionFromDestination('https://console.aws.amazon.com/')).toBe('us-east-1');
  });
});
