import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { LogoutCommand } from '@aws-sdk/client-sso';
import { RegisterClientCommand } from '@aws-sdk/client-sso-oidc';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Instance } from '../model/instances';
import { createOidcClient, createPortalClient } from './clients';
import { toRolecallError } from './error-mapping';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** A stand-in for the two services that records what reaches it. */
const startFakeService = async (status = 200, silent = false): Promise<{ url: string; seen: Seen[]; server: Server }> => {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    if (silent) return;
    const body =
      status === 200
        ? JSON.stringify({ clientId: 'c', clientSecret: 's', clientIdIssuedAt: 1, clientSecretExpiresAt: 2 })
        : JSON.stringify({ error: 'server_error', error_description: 'boom' });
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(status === 500 ? { 'x-amzn-errortype': 'InternalServerException' } : {}),
    });
    res.end(status === 200 && req.url === '/logout' ? '' : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
};

const instanceAt = (url: string, region = 'us-east-1', id = 'acme'): Instance => ({
  id,
  label: id,
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region,
  ssoSessionName: id,
  endpoints: { oidc: url, portal: url },
});

const register = new RegisterClientCommand({ clientName: 'rolecall', clientType: 'public', scopes: ['sso:account:access'] });

describe('clients', () => {
  const savedEnv = { ...process.env };
  let home: string;
  let service: Awaited<ReturnType<typeof startFakeService>>;

  beforeAll(async () => {
    service = await startFakeService();
  });
  afterAll(() => new Promise<void>((resolve) => service.server.close(() => resolve())));

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rolecall-home-'));
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    process.env.HOME = home;
    process.env.USERPROFILE = home;
    service.seen.length = 0;
  });
  afterEach(async () => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await rm(home, { recursive: true, force: true });
  });

  it('work with an empty HOME and no AWS_* variables: no credentials, no config needed', async () => {
    const oidc = createOidcClient(instanceAt(service.url));
    const portal = createPortalClient(instanceAt(service.url));
    await expect(oidc.send(register)).resolves.toMatchObject({ clientId: 'c' });
    await expect(portal.send(new LogoutCommand({ accessToken: 't' }))).resolves.toBeDefined();
    expect(service.seen.map((seen) => `${seen.method} ${seen.url}`)).toEqual(['POST /client/register', 'POST /logout']);
    expect(service.seen[1]!.headers['x-amz-sso_bearer_token']).toBe('t');
    oidc.destroy();
    portal.destroy();
  });

  it("never sign, and never run the user's credential chain or take settings from ~/.aws/config", async () => {
    const marker = join(home, 'credential-process-ran');
    await mkdir(join(home, '.aws'));
    await writeFile(
      join(home, '.aws', 'config'),
      `[default]\ncredential_process = sh -c 'touch ${marker}'\nregion = ap-south-1\nmax_attempts = 9\nuse_fips_endpoint = true\n`,
    );
    await writeFile(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n');
    process.env.AWS_ACCESS_KEY_ID = 'AKIDENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';

    const oidc = createOidcClient(instanceAt(service.url, 'eu-west-1'));
    await expect(oidc.send(register)).resolves.toMatchObject({ clientId: 'c' });
    expect(await oidc.config.region()).toBe('eu-west-1');
    expect(await oidc.config.useFipsEndpoint()).toBe(false);
    expect(await oidc.config.maxAttempts()).toBe(3);
    const headers = service.seen[0]!.headers;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-amz-security-token']).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
    oidc.destroy();
  });

  it('retry 5xx by default, and only once when asked for one attempt', async () => {
    const failing = await startFakeService(500);
    try {
      const retrying = createOidcClient(instanceAt(failing.url));
      await expect(retrying.send(register)).rejects.toMatchObject({ name: 'InternalServerException' });
      expect(failing.seen).toHaveLength(3);
      failing.seen.length = 0;
      const once = createOidcClient(instanceAt(failing.url), { maxAttempts: 1 });
      await expect(once.send(register)).rejects.toMatchObject({ name: 'InternalServerException' });
      expect(failing.seen).toHaveLength(1);
      retrying.destroy();
      once.destroy();
    } finally {
      await new Promise<void>((resolve) => failing.server.close(() => resolve()));
    }
  });

  it('give up on an endpoint that never answers, as a network error', async () => {
    const silent = await startFakeService(200, true);
    try {
      // The endpoint never answers, so only the request timeout can end this call (how soon
      // after the 300 ms it does is a figure in bench/cancel, not a test).
      const client = createOidcClient(instanceAt(silent.url), { maxAttempts: 1, requestTimeoutMs: 300 });
      const error = await client.send(register).catch((caught: unknown) => caught);
      expect(toRolecallError(error).code).toBe('network');
      expect(silent.seen).toHaveLength(1);
      client.destroy();
    } finally {
      silent.server.closeAllConnections();
      await new Promise<void>((resolve) => silent.server.close(() => resolve()));
    }
  });

  it('are separate per instance, each with its own region and endpoint', async () => {
    const other = await startFakeService();
    try {
      const a = createOidcClient(instanceAt(service.url, 'us-east-1', 'a'));
      const b = createOidcClient(instanceAt(other.url, 'ap-southeast-2', 'b'));
      expect(a).not.toBe(b);
      await Promise.all([a.send(register), b.send(register)]);
      expect(await a.config.region()).toBe('us-east-1');
      expect(await b.config.region()).toBe('ap-southeast-2');
      expect(service.seen).toHaveLength(1);
      expect(other.seen).toHaveLength(1);
      a.destroy();
      b.destroy();
    } finally {
      await new Promise<void>((resolve) => other.server.close(() => resolve()));
    }
  });

  it('derive the AWS endpoint when the instance has no override', async () => {
    const client = createPortalClient({
      id: 'x',
      label: 'x',
      startUrl: 'https://d-1.awsapps.com/start',
      region: 'cn-north-1',
      ssoSessionName: 'x',
    });
    const endpoint = await client.config.endpoint?.();
    expect(endpoint && `${endpoint.protocol}//${endpoint.hostname}`).toBe('https://portal.sso.cn-north-1.amazonaws.com.cn');
    client.destroy();
  });
});
