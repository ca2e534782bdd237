import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probePython, runPythonJson } from '../aws-cli-cache/test-support/run-python';
import { readSsoCache, renderSsoCache, ssoCacheFile, writeSsoCache } from '../aws-cli-cache/sso-cache';
import type { SsoToken } from '../model/tokens';
import { applyPopulate, readConfigFile } from './config-file';
import { parseIni } from './ini-document';
import { planPopulate } from './populate';
import { configLikeFile, noisyConfigFile } from './test-support/config-arbitrary';
import { REALISTIC_CONFIG, baseInput } from './test-support/fixtures';

/**
 * Interop with the real botocore (and AWS CLI v1) on this machine: the files Rolecall
 * writes are the files they read, and the other way round. HOME is a temp dir throughout.
 */
const python = probePython();
const unavailable = 'unavailable' in python ? python.unavailable : undefined;
if (unavailable) console.warn(`Skipping botocore interop tests: ${unavailable}`);

const TOKEN_SCRIPT = join(import.meta.dirname, '..', 'aws-cli-cache', 'interop', 'botocore_sso.py');
const CONFIG_SCRIPT = join(import.meta.dirname, 'interop', 'botocore_config.py');
const START_URL = 'https://d-1234567890.awsapps.com/start';

let home: string;
let env: Record<string, string>;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rolecall-interop-'));
  env = { HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const populate = async (): Promise<void> => {
  const current = await readConfigFile(env);
  await applyPopulate({ env, plan: planPopulate({ ...baseInput(current.text), source: current.path }), dryRun: false });
};

describe.skipIf(unavailable !== undefined)('botocore reads what Rolecall writes', () => {
  const token: SsoToken = {
    startUrl: START_URL,
    region: 'eu-west-1',
    accessToken: 'aoa-rolecall-access-token',
    // Far from botocore's 15-minute refresh window, so it uses the token as is.
    expiresAt: Date.UTC(2099, 0, 1, 12, 0, 0),
    clientId: 'client-id',
    clientSecret: 'client-secret',
    registrationExpiresAt: Date.UTC(2099, 3, 1),
    refreshToken: 'aor-refresh',
  };

  it('SSOTokenProvider and the session token_provider chain load the cached token for a populated profile', async () => {
    await mkdir(join(home, '.aws'), { recursive: true });
    await writeFile(env.AWS_CONFIG_FILE as string, REALISTIC_CONFIG);
    await populate();
    await writeSsoCache({ env, sessionName: 'acme', token });
    const loaded = runPythonJson<{ provider: { token: string; expiration: string }; chain: { token: string }; method: string }>(
      TOKEN_SCRIPT,
      ['load-via-provider'],
      { profile: 'prod-ReadOnly' },
      env,
    );
    expect(loaded.provider.token).toBe(token.accessToken);
    expect(Date.parse(loaded.provider.expiration)).toBe(token.expiresAt);
    expect(loaded.chain.token).toBe(token.accessToken);
    expect(loaded.method).toBe('sso');
  });

  it("SSOTokenLoader over botocore's JSONFileCache returns every field Rolecall wrote", async () => {
    await writeSsoCache({ env, sessionName: 'acme', token });
    const loaded = runPythonJson(TOKEN_SCRIPT, ['load-via-loader'], { startUrl: START_URL, sessionName: 'acme' }, env);
    expect(loaded).toMatchObject({
      startUrl: START_URL,
      region: 'eu-west-1',
      accessToken: token.accessToken,
      expiresAt: '2099-01-01T12:00:00Z',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      registrationExpiresAt: '2099-04-01T00:00:00Z',
      refreshToken: 'aor-refresh',
    });
  });

  it("the cache file is byte-identical to what botocore's _sso_json_dumps writes, for any token", () => {
    const tokens: SsoToken[] = fc.sample(
      fc.record(
        {
          startUrl: fc.webUrl(),
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
          accessToken: fc.string({ minLength: 1, unit: 'binary' }),
          expiresAt: fc.integer({ min: 0, max: 4102444800 }).map((s) => s * 1000),
          clientId: fc.string({ unit: 'grapheme' }),
          clientSecret: fc.string(),
          registrationExpiresAt: fc.integer({ min: 0, max: 4102444800 }).map((s) => s * 1000),
          refreshToken: fc.string({ unit: 'binary' }),
        },
        { requiredKeys: ['startUrl', 'region', 'accessToken', 'expiresAt'] },
      ),
      200,
    );
    // Characters where JSON encoders differ: DEL, non-ASCII, astral, quotes, controls, line separators.
    tokens.push({
      startUrl: START_URL,
      region: 'us-east-1',
      accessToken: 'a\u007fé😀"\\\n\t\u0001\u2028/',
      expiresAt: 999,
      refreshToken: '\u0085\u00ff',
    });
    // Python keeps the key order it is given; each token goes in the order the AWS CLI writes.
    const ordered = tokens
      .map((t) => JSON.parse(renderSsoCache(t)) as Record<string, string>)
      .map((fields, i) => ({
        ...fields,
        expiresAt: tokens[i]?.expiresAt,
        ...(fields.registrationExpiresAt ? { registrationExpiresAt: tokens[i]?.registrationExpiresAt } : {}),
      }));
    const { texts } = runPythonJson<{ texts: string[] }>(TOKEN_SCRIPT, ['dumps'], { tokens: ordered }, env);
    expect(texts).toEqual(tokens.map(renderSsoCache));
  });
});

describe.skipIf(unavailable !== undefined)('Rolecall reads what botocore writes', () => {
  it("readSsoCache returns the values botocore's SSOTokenLoader.save_token wrote", async () => {
    const saved = {
      startUrl: START_URL,
      region: 'ap-southeast-2',
      accessToken: 'aoa-from-botocore',
      expiresAt: Date.UTC(2031, 5, 6, 7, 8, 9),
      clientId: 'cid',
      clientSecret: 'csecret',
      registrationExpiresAt: Date.UTC(2031, 8, 1),
      refreshToken: 'aor-from-botocore',
    };
    runPythonJson(TOKEN_SCRIPT, ['save-via-loader'], { startUrl: START_URL, sessionName: 'their-session', token: saved }, env);
    const read = await readSsoCache({ env, sessionName: 'their-session', startUrl: START_URL, region: 'us-east-1' });
    expect(read).toEqual({ status: 'ok', source: 'sso-session', path: ssoCacheFile(env, 'their-session'), token: saved });
  });

  it('readSsoCache finds a legacy (start URL keyed) token botocore wrote', async () => {
    const saved = { startUrl: START_URL, region: 'us-east-2', accessToken: 'aoa-legacy', expiresAt: Date.UTC(2031, 0, 1) };
    runPythonJson(TOKEN_SCRIPT, ['save-via-loader'], { startUrl: START_URL, token: saved }, env);
    const read = await readSsoCache({ env, sessionName: 'not-there', startUrl: START_URL, region: 'us-east-1' });
    expect(read).toEqual({ status: 'ok', source: 'start-url', path: ssoCacheFile(env, START_URL), token: saved });
  });
});

describe.skipIf(unavailable !== undefined)('botocore and the AWS CLI parse the config populate writes', () => {
  it("lists the populated profiles and sso-session with the values Rolecall set, keeping the user's", async () => {
    await mkdir(join(home, '.aws'), { recursive: true });
    await writeFile(env.AWS_CONFIG_FILE as string, REALISTIC_CONFIG.replace(/\n/g, '\r\n'));
    await populate();
    const seen = runPythonJson<{
      available: string[];
      profiles: Record<string, Record<string, unknown>>;
      ssoSessions: Record<string, unknown>;
      services: Record<string, unknown>;
    }>(CONFIG_SCRIPT, ['profiles'], {}, env);
    expect(seen.available).toEqual([
      'default',
      'legacy-admin',
      'sandbox',
      'with-services',
      'prod-AdministratorAccess',
      'prod-ReadOnly',
      'Dev-Sandbox-EU-Developer',
    ]);
    expect(seen.profiles['Dev-Sandbox-EU-Developer']).toEqual({
      sso_session: 'acme',
      sso_account_id: '222222222222',
      sso_role_name: 'Developer',
    });
    expect(seen.ssoSessions).toEqual({
      acme: { sso_start_url: START_URL, sso_region: 'eu-west-1', sso_registration_scopes: 'sso:account:access' },
    });
    expect(seen.services).toEqual({
      'local-s3': {
        s3: { endpoint_url: 'http://127.0.0.1:9000', addressing_style: 'path' },
        sts: { endpoint_url: 'http://127.0.0.1:9001' },
      },
    });
  });

  it.skipIf(!('awsCli' in python) || !python.awsCli)('aws configure get reads a populated profile (AWS CLI v1)', async () => {
    await populate();
    const cli = (python as { awsCli: string }).awsCli;
    const get = (key: string): string => {
      const run = spawnSync(cli, ['configure', 'get', key, '--profile', 'prod-AdministratorAccess'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      expect(run.status, run.stderr).toBe(0);
      return run.stdout.trim();
    };
    expect(get('sso_account_id')).toBe('111111111111');
    expect(get('sso_role_name')).toBe('AdministratorAccess');
    expect(get('sso_session')).toBe('acme');
  });

  it('reads any config-like file exactly as configparser does (same sections, keys and values; same files refused)', () => {
    const usable = (t: string): boolean => !t.startsWith('\ufeff') && !/\[DEFAULT\]/i.test(t);
    const texts = [...fc.sample(configLikeFile.filter(usable), 300), ...fc.sample(noisyConfigFile.filter(usable), 300)];
    const { results } = runPythonJson<{ results: ({ ok: Record<string, Record<string, string>> } | { error: string })[] }>(
      CONFIG_SCRIPT,
      ['raw-parse'],
      { texts },
      env,
    );
    texts.forEach((text, i) => {
      const theirs = results[i];
      let ours: Record<string, Record<string, string>> | string;
      try {
        ours = Object.fromEntries(
          parseIni(text).sections.map((s) => [s.name, Object.fromEntries(s.entries.map((e) => [e.name, e.fullValue]))]),
        );
      } catch (error) {
        ours = (error as Error).message;
      }
      if (theirs && 'ok' in theirs) expect(ours, JSON.stringify(text)).toEqual(theirs.ok);
      else expect(typeof ours, `${JSON.stringify(text)} was refused by configparser: ${theirs?.error}`).toBe('string');
    });
  });
});
