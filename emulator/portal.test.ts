import {
  GetRoleCredentialsCommand,
  InvalidRequestException,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  ResourceNotFoundException,
  SSOServiceException,
  UnauthorizedException,
  paginateListAccountRoles,
  paginateListAccounts,
} from '@aws-sdk/client-sso';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDirectory } from './directory-seed';
import type { DirectorySeed, RunningEmulator } from './options';
import { adminCall, isolateHome, manualClock, portalClient, quietEmulator, signIn } from './test-support/test-helpers';

beforeAll(() => {
  isolateHome();
});

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('ListAccounts and ListAccountRoles', () => {
  const seed: DirectorySeed = { accounts: 23, rolesPerAccount: 3, seed: 11, manyRolesEvery: 10 };
  const expected = generateDirectory(seed);

  it('the SDK paginators visit every account and role exactly once, including many-roles accounts', async () => {
    emu = await quietEmulator({ directory: seed, defaultPageSize: 4, autoApprove: true });
    const { accessToken } = await signIn(emu);
    const sso = portalClient(emu);
    const accounts = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client: sso, pageSize: 5 }, { accessToken })) {
      pages++;
      accounts.push(...(page.accountList ?? []));
    }
    expect(pages).toBe(5);
    expect(accounts.map((a) => a.accountId)).toEqual(expected.map((a) => a.accountId));
    expect(accounts[0]).toEqual({
      accountId: expected[0]?.accountId,
      accountName: 'prod-payments',
      emailAddress: 'aws+prod-payments@example.com',
    });

    for (const account of expected) {
      const roles: string[] = [];
      // No pageSize: the emulator's default page size (4) applies.
      for await (const page of paginateListAccountRoles({ client: sso }, { accessToken, accountId: account.accountId })) {
        for (const role of page.roleList ?? []) {
          expect(role.accountId).toBe(account.accountId);
          roles.push(role.roleName ?? '');
        }
      }
      expect(roles).toEqual(account.roles);
    }
    const many = expected.filter((a) => a.roles.length === 25);
    expect(many.map((a) => expected.indexOf(a))).toEqual([9, 19]);
  });

  it('rejects max_result outside 1..100, foreign page tokens and a missing accountId with InvalidRequestException', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { accessToken } = await signIn(emu);
    const sso = portalClient(emu);
    for (const maxResults of [0, 101]) {
      const error = await sso.send(new ListAccountsCommand({ accessToken, maxResults })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidRequestException);
      expect((error as InvalidRequestException).message).toMatch(/maxResults/);
    }
    const page = await sso.send(new ListAccountsCommand({ accessToken, maxResults: 2 }));
    expect(page.nextToken).toBeTruthy();
    const accountId = page.accountList?.[0]?.accountId ?? '';
    await expect(sso.send(new ListAccountRolesCommand({ accessToken, accountId, nextToken: page.nextToken }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    await expect(sso.send(new ListAccountsCommand({ accessToken, nextToken: 'garbage' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(sso.send(new ListAccountRolesCommand({ accessToken, accountId: '' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(sso.send(new ListAccountRolesCommand({ accessToken, accountId: '000000000000' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('GetRoleCredentials', () => {
  it('issues unique ASIA keys with an epoch-ms expiration, owned by the role asked for', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ autoApprove: true, now: clock.now, roleCredentialsTtlSeconds: 900, accessTokenTtlSeconds: 60 });
    const { accessToken } = await signIn(emu);
    const sso = portalClient(emu);
    const [account] = (await sso.send(new ListAccountsCommand({ accessToken }))).accountList ?? [];
    const accountId = account?.accountId ?? '';
    const first = (await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName: 'AdministratorAccess' })))
      .roleCredentials;
    const second = (await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName: 'ReadOnlyAccess' }))).roleCredentials;
    expect(first?.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(first?.accessKeyId).not.toBe(second?.accessKeyId);
    expect(first?.secretAccessKey).toHaveLength(40);
    expect(first?.sessionToken?.length).toBeGreaterThan(100);
    // The TTL holds even though the access token expires sooner, as in AWS.
    expect(first?.expiration).toBe(clock.now() + 900_000);

    expect(emu.credentialsOwner(first?.accessKeyId ?? '')).toEqual({
      accountId,
      roleName: 'AdministratorAccess',
      expiration: clock.now() + 900_000,
    });
    const viaHttp = await adminCall(emu, 'GET', `/_emulator/credentials?accessKeyId=${second?.accessKeyId}`);
    expect(viaHttp).toEqual({ status: 200, json: { accountId, roleName: 'ReadOnlyAccess', expiration: clock.now() + 900_000 } });
    expect((await adminCall(emu, 'GET', '/_emulator/credentials?accessKeyId=ASIANOTISSUED')).status).toBe(404);
  });

  it('answers 403 ForbiddenException "No access" for an unassigned role or account, as the real portal does, and InvalidRequestException without a role', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const { accessToken } = await signIn(emu);
    const sso = portalClient(emu);
    const accountId = (await sso.send(new ListAccountsCommand({ accessToken }))).accountList?.[0]?.accountId ?? '';
    for (const [account, roleName] of [
      [accountId, 'NotARole'],
      ['123456789012', 'AdministratorAccess'],
    ] as const) {
      const error = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: account, roleName })).catch((e: unknown) => e);
      // Not in the model, so the SDK gives its generic service exception with the wire name.
      expect(error).toBeInstanceOf(SSOServiceException);
      expect(error).toMatchObject({ name: 'ForbiddenException', message: 'No access', $metadata: { httpStatusCode: 403 } });
    }
    const raw = await fetch(`${emu.url}/federation/credentials?account_id=123456789012&role_name=AdministratorAccess`, {
      headers: { 'x-amz-sso_bearer_token': accessToken },
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(await raw.json()).toEqual({ message: 'No access' });
    await expect(sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName: '' }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
  });
});

describe('session end', () => {
  it('Logout revokes that token (and its refresh token) but not another sign-in', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const mine = await signIn(emu);
    const other = await signIn(emu);
    const sso = portalClient(emu);
    await sso.send(new LogoutCommand({ accessToken: mine.accessToken }));
    const error = await sso.send(new ListAccountsCommand({ accessToken: mine.accessToken })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect((error as UnauthorizedException).$metadata.httpStatusCode).toBe(401);
    await expect(sso.send(new LogoutCommand({ accessToken: mine.accessToken }))).rejects.toBeInstanceOf(UnauthorizedException);
    expect((await sso.send(new ListAccountsCommand({ accessToken: other.accessToken }))).accountList?.length).toBe(5);
  });

  it('revoke ends every session', async () => {
    emu = await quietEmulator({ autoApprove: true });
    const a = await signIn(emu);
    const b = await signIn(emu);
    expect(await adminCall(emu, 'POST', '/_emulator/revoke')).toEqual({ status: 200, json: { revoked: true } });
    const sso = portalClient(emu);
    for (const accessToken of [a.accessToken, b.accessToken]) {
      await expect(sso.send(new ListAccountsCommand({ accessToken }))).rejects.toBeInstanceOf(UnauthorizedException);
    }
  });

  it('access tokens expire by the injected clock, and unknown tokens are unauthorized', async () => {
    const clock = manualClock();
    emu = await quietEmulator({ autoApprove: true, now: clock.now, accessTokenTtlSeconds: 120 });
    const { accessToken } = await signIn(emu);
    const sso = portalClient(emu);
    clock.advance(119_000);
    await sso.send(new ListAccountsCommand({ accessToken }));
    clock.advance(1000);
    for (const command of [
      new ListAccountsCommand({ accessToken }),
      new ListAccountRolesCommand({ accessToken, accountId: '123456789012' }),
      new GetRoleCredentialsCommand({ accessToken, accountId: '123456789012', roleName: 'x' }),
      new ListAccountsCommand({ accessToken: 'aoa-made-up' }),
    ]) {
      await expect(sso.send(command as ListAccountsCommand)).rejects.toBeInstanceOf(UnauthorizedException);
    }
  });
});
