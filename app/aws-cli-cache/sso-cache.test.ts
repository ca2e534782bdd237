import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SsoToken } from '../model/tokens';
import { awsPaths } from './aws-paths';
import { formatCacheTime, parseCacheTime } from './cache-time';
import { readSsoCache, removeSsoCache, renderSsoCache, ssoCacheFile, ssoCacheKey, writeSsoCache } from './sso-cache';

const START_URL = 'https://d-1234567890.awsapps.com/start';
let home: string;
let env: Record<string, string>;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rolecall-sso-cache-'));
  env = { HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const fullToken: SsoToken = {
  startUrl: START_URL,
  region: 'eu-west-1',
  accessToken: 'aoa-access',
  expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5),
  clientId: 'client-id',
  clientSecret: 'client-secret',
  registrationExpiresAt: Date.UTC(2030, 3, 1, 0, 0, 0),
  refreshToken: 'aor-refresh',
};

describe('awsPaths', () => {
  it('resolves the default files under HOME', () => {
    expect(awsPaths({ HOME: '/h' }, 'linux')).toEqual({
      home: '/h',
      configFile: '/h/.aws/config',
      credentialsFile: '/h/.aws/credentials',
      ssoCacheDir: '/h/.aws/sso/cache',
    });
  });
  it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, expanding ~ against HOME', () => {
    const paths = awsPaths({ HOME: '/h', AWS_CONFIG_FILE: '~/cfg/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/elsewhere/creds' }, 'linux');
    expect(paths.configFile).toBe('/h/cfg/aws-config');
    expect(paths.credentialsFile).toBe('/elsewhere/creds');
    // The cache directory has no override in botocore or SDK v3.
    expect(paths.ssoCacheDir).toBe('/h/.aws/sso/cache');
  });
  it('uses USERPROFILE on Windows', () => {
    expect(awsPaths({ HOME: '/ignored', USERPROFILE: '/users/me' }, 'win32').home).toBe('/users/me');
  });
});

describe('ssoCacheKey', () => {
  it('is the sha1 hex botocore computes (values from python hashlib)', () => {
    expect(ssoCacheKey('my-sso')).toBe('0ad374308c5a4e22f723adf10145eafad7c4031c');
    expect(ssoCacheKey(START_URL)).toBe('7487b5b67d5fa1132cf33fa93ae51ef38cc37752');
  });
});

describe('cache timestamps', () => {
  it('formats like botocore: UTC, whole seconds, Z', () => {
    expect(formatCacheTime(Date.UTC(2030, 0, 2, 3, 4, 5, 999))).toBe('2030-01-02T03:04:05Z');
  });
  it('reads the variants botocore and SDK v3 write', () => {
    const t = Date.UTC(2030, 0, 2, 3, 4, 5);
    expect(parseCacheTime('2030-01-02T03:04:05Z')).toBe(t);
    expect(parseCacheTime('2030-01-02T03:04:05.000Z')).toBe(t);
    expect(parseCacheTime('2030-01-02T03:04:05.250Z')).toBe(t + 250);
    expect(parseCacheTime('2030-01-02T03:04:05+00:00')).toBe(t);
    expect(parseCacheTime('2030-01-02T05:04:05+02:00')).toBe(t);
    expect(parseCacheTime('2030-01-02T03:04:05UTC')).toBe(t);
    expect(parseCacheTime('2030-01-02 03:04:05Z')).toBe(t);
  });
  it('rejects what is not a zoned timestamp', () => {
    for (const bad of ['2030-01-02T03:04:05', 'tomorrow', '2030-02-30T00:00:00Z', '2030-01-02T24:00:00Z', '']) {
      expect(parseCacheTime(bad)).toBeUndefined();
    }
  });
  it('round-trips any whole-second time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253402300799 }),
        (seconds) => parseCacheTime(formatCacheTime(seconds * 1000)) === seconds * 1000,
      ),
    );
  });
});

describe('writeSsoCache', () => {
  it('writes the AWS CLI format, atomically, 0600 in a 0700 directory', async () => {
    const path = await writeSsoCache({ env, sessionName: 'my-sso', token: fullToken });
    expect(path).toBe(join(home, '.aws', 'sso', 'cache', '0ad374308c5a4e22f723adf10145eafad7c4031c.json'));
    expect(await readFile(path, 'utf8')).toBe(
      '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa-access", ' +
        '"expiresAt": "2030-01-02T03:04:05Z", "clientId": "client-id", "clientSecret": "client-secret", ' +
        '"registrationExpiresAt": "2030-04-01T00:00:00Z", "refreshToken": "aor-refresh"}',
    );
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.aws', 'sso', 'cache'))).mode & 0o777).toBe(0o700);
  });
  it('omits optional fields that are absent', () => {
    const text = renderSsoCache({ startUrl: START_URL, region: 'us-east-1', accessToken: 'a', expiresAt: 0 });
    expect(JSON.parse(text)).toEqual({ startUrl: START_URL, region: 'us-east-1', accessToken: 'a', expiresAt: '1970-01-01T00:00:00Z' });
  });
  it('round-trips through readSsoCache for any token (times to the second)', async () => {
    const token = fc.record(
      {
        accessToken: fc.string({ minLength: 1 }),
        expiresAt: fc.integer({ min: 0, max: 4102444800 }).map((s) => s * 1000),
        refreshToken: fc.string(),
        clientId: fc.string(),
        clientSecret: fc.string(),
        registrationExpiresAt: fc.integer({ min: 0, max: 4102444800 }).map((s) => s * 1000),
      },
      { requiredKeys: ['accessToken', 'expiresAt'] },
    );
    await fc.assert(
      fc.asyncProperty(token, async (fields) => {
        const written: SsoToken = { startUrl: START_URL, region: 'ap-south-1', ...fields };
        await writeSsoCache({ env, sessionName: 'prop', token: written });
        const read = await readSsoCache({ env, sessionName: 'prop', startUrl: START_URL, region: 'us-east-1' });
        expect(read).toMatchObject({ status: 'ok', source: 'sso-session' });
        expect(read.status === 'ok' && read.token).toEqual(written);
      }),
      { numRuns: 60 },
    );
  });
});

describe('readSsoCache', () => {
  const put = async (key: string, body: string): Promise<string> => {
    const path = ssoCacheFile(env, key);
    await mkdir(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    await writeFile(path, body);
    return path;
  };

  it('reports a missing cache', async () => {
    expect(await readSsoCache({ env, sessionName: 'none', startUrl: START_URL, region: 'us-east-1' })).toEqual({ status: 'missing' });
  });

  it('falls back to the legacy file keyed by the start URL, as SDK v3 writes it', async () => {
    // SDK v3 writes JSON.stringify(token, null, 2) with toISOString() times.
    const path = await put(
      START_URL,
      JSON.stringify({ startUrl: START_URL, region: 'us-east-2', accessToken: 'legacy', expiresAt: '2030-01-02T03:04:05.000Z' }, null, 2),
    );
    const read = await readSsoCache({ env, sessionName: 'absent', startUrl: START_URL, region: 'us-east-1' });
    expect(read).toEqual({
      status: 'ok',
      path,
      source: 'start-url',
      token: { startUrl: START_URL, region: 'us-east-2', accessToken: 'legacy', expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) },
    });
  });

  it('accepts +00:00 offsets and fills a missing region from the instance', async () => {
    await put('s', JSON.stringify({ startUrl: `${START_URL}/`, accessToken: 'x', expiresAt: '2030-01-02T03:04:05+00:00' }));
    const read = await readSsoCache({ env, sessionName: 's', startUrl: START_URL, region: 'eu-north-1' });
    expect(read.status === 'ok' && read.token).toEqual({
      startUrl: `${START_URL}/`,
      region: 'eu-north-1',
      accessToken: 'x',
      expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5),
    });
  });

  it('does not use a session file written for another start URL', async () => {
    const path = await put('shared-name', renderSsoCache({ ...fullToken, startUrl: 'https://other.awsapps.com/start' }));
    expect(await readSsoCache({ env, sessionName: 'shared-name', startUrl: START_URL, region: 'us-east-1' })).toEqual({
      status: 'other-start-url',
      path,
      fileStartUrl: 'https://other.awsapps.com/start',
    });
    const legacy = await put(START_URL, renderSsoCache(fullToken));
    expect(await readSsoCache({ env, sessionName: 'shared-name', startUrl: START_URL, region: 'us-east-1' })).toEqual({
      status: 'ok',
      path: legacy,
      source: 'start-url',
      token: fullToken,
    });
  });

  it.each([
    ['not JSON', '{"accessToken": '],
    ['no accessToken', JSON.stringify({ startUrl: START_URL, expiresAt: '2030-01-02T03:04:05Z' })],
    ['no expiresAt', JSON.stringify({ startUrl: START_URL, accessToken: 'x' })],
    ['a naive timestamp', JSON.stringify({ startUrl: START_URL, accessToken: 'x', expiresAt: '2030-01-02T03:04:05' })],
  ])('reports a corrupt file (%s) and leaves it untouched', async (_label, body) => {
    const path = await put('broken', body);
    const read = await readSsoCache({ env, sessionName: 'broken', startUrl: START_URL, region: 'us-east-1' });
    expect(read.status).toBe('corrupt');
    if (read.status !== 'corrupt') return;
    expect(read.path).toBe(path);
    expect(read.error.code).toBe('corrupt-file');
    expect(read.error.userMessage).toContain(path);
    expect(read.error.userMessage).not.toContain('"x"');
    expect(await readFile(path, 'utf8')).toBe(body);
  });
});

describe('removeSsoCache', () => {
  it('removes only the session file, and only when it is for the given start URL', async () => {
    const legacy = await writeSsoCache({ env, sessionName: START_URL, token: fullToken });
    const mine = await writeSsoCache({ env, sessionName: 'mine', token: fullToken });
    expect(await removeSsoCache({ env, sessionName: 'mine', startUrl: 'https://other.awsapps.com/start' })).toBe(false);
    expect(await removeSsoCache({ env, sessionName: 'mine', startUrl: START_URL })).toBe(true);
    await expect(stat(mine)).rejects.toThrow();
    expect((await stat(legacy)).isFile()).toBe(true);
    expect(await removeSsoCache({ env, sessionName: 'mine' })).toBe(false);
  });
});
