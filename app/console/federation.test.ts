import { describe, expect, it } from 'vitest';
import { RolecallError } from '../model/errors';
import { consoleDestination, consoleLoginUrl, createConsoleUrl, federationEndpointFor, getSigninToken } from './federation';
import type { FetchLike } from './federation';

const credentials = {
  accessKeyId: 'ASIAEXAMPLE123456789',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+',
  sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVz+abc==',
};

const errorOf = async (run: () => unknown): Promise<RolecallError> => {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(RolecallError);
    return error as RolecallError;
  }
  throw new Error('expected a RolecallError');
};

/** A fetch double that records URLs and answers with `status` and `body`. */
const answering = (status: number, body: string) => {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(url);
    return new Response(body, { status });
  };
  return { fetch, urls };
};

describe('consoleDestination', () => {
  it.each([
    ['eu-west-1', 'https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1'],
    ['us-east-1', 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1'],
    ['ap-southeast-2', 'https://ap-southeast-2.console.aws.amazon.com/console/home?region=ap-southeast-2'],
    ['cn-north-1', 'https://console.amazonaws.cn/console/home?region=cn-north-1'],
    ['cn-northwest-1', 'https://console.amazonaws.cn/console/home?region=cn-northwest-1'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1'],
  ])('console home for %s', (region, expected) => {
    expect(consoleDestination({ region })).toBe(expected);
  });

  it('accepts console pages of the partition and resolves bare paths on the region host', () => {
    expect(consoleDestination({ region: 'eu-west-1', destination: 'https://s3.console.aws.amazon.com/s3/buckets?region=eu-west-1' })).toBe(
      'https://s3.console.aws.amazon.com/s3/buckets?region=eu-west-1',
    );
    expect(consoleDestination({ region: 'eu-west-1', destination: '/ec2/home?region=eu-west-1#Instances:' })).toBe(
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:',
    );
    expect(consoleDestination({ region: 'cn-north-1', destination: 'https://console.amazonaws.cn/iam/home' })).toBe(
      'https://console.amazonaws.cn/iam/home',
    );
    expect(
      consoleDestination({ region: 'us-gov-east-1', partition: 'aws-us-gov', destination: 'https://console.amazonaws-us-gov.com/s3/' }),
    ).toBe('https://console.amazonaws-us-gov.com/s3/');
  });

  it.each([
    ['http://eu-west-1.console.aws.amazon.com/console/home', 'https page on console.aws.amazon.com'],
    ['https://evil.example.com/console.aws.amazon.com', 'evil.example.com'],
    ['https://console.aws.amazon.com.evil.example/', 'console.aws.amazon.com.evil.example'],
    ['https://evilconsole.aws.amazon.com/', 'evilconsole.aws.amazon.com'],
    ['https://user:pw@console.aws.amazon.com/', 'user name or password'],
    ['https://console.aws.amazon.com:8443/', 'console.aws.amazon.com:8443'],
    ['javascript:alert(1)', 'javascript:'],
    ['//evil.example/x', 'not a URL'],
    ['not a url', 'not a URL'],
    ['https://console.amazonaws.cn/', 'console.aws.amazon.com'],
    ['http://127.0.0.1:9999/console', '127.0.0.1:9999'],
  ])('rejects %s', async (destination, mentions) => {
    const error = await errorOf(() => consoleDestination({ region: 'eu-west-1', destination }));
    expect(error.code).toBe('invalid-input');
    expect(error.userMessage).toContain(mentions);
  });

  it('accepts loopback destinations only when allowed (the emulator)', () => {
    expect(consoleDestination({ region: 'eu-west-1', destination: 'http://127.0.0.1:9999/console', allowLoopback: true })).toBe(
      'http://127.0.0.1:9999/console',
    );
    expect(() => consoleDestination({ region: 'eu-west-1', destination: 'http://10.0.0.1/console', allowLoopback: true })).toThrow(
      RolecallError,
    );
  });

  it('rejects an unknown region or one outside the given partition', async () => {
    expect((await errorOf(() => consoleDestination({ region: 'mars-north-1' }))).code).toBe('invalid-input');
    expect((await errorOf(() => consoleDestination({ region: 'eu-west-1', partition: 'aws-cn' }))).userMessage).toContain('aws-cn');
  });
});

describe('federationEndpointFor', () => {
  it.each([
    ['us-east-1', 'https://signin.aws.amazon.com/federation'],
    ['eu-west-1', 'https://eu-west-1.signin.aws.amazon.com/federation'],
    ['us-west-2', 'https://us-west-2.signin.aws.amazon.com/federation'],
    ['cn-north-1', 'https://signin.amazonaws.cn/federation'],
    ['us-gov-west-1', 'https://signin.amazonaws-us-gov.com/federation'],
    ['us-gov-east-1', 'https://signin.amazonaws-us-gov.com/federation'],
  ])('%s → %s', (region, expected) => {
    expect(federationEndpointFor({ region })).toBe(expected);
  });

  it('lets the instance override win, and checks it', () => {
    expect(federationEndpointFor({ region: 'eu-west-1', override: 'http://127.0.0.1:4566/federation' })).toBe(
      'http://127.0.0.1:4566/federation',
    );
    expect(() => federationEndpointFor({ region: 'eu-west-1', override: 'http://example.com/federation' })).toThrow(/https/);
    expect(() => federationEndpointFor({ region: 'nowhere-1' })).toThrow(RolecallError);
  });
});

describe('getSigninToken', () => {
  it('sends the session JSON url-encoded, without SessionDuration, and returns the token', async () => {
    const { fetch, urls } = answering(200, JSON.stringify({ SigninToken: 'tok-123' }));
    expect(await getSigninToken({ credentials, endpoint: 'https://eu-west-1.signin.aws.amazon.com/federation', fetch })).toBe('tok-123');
    expect(urls).toHaveLength(1);
    const url = new URL(urls[0] ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('https://eu-west-1.signin.aws.amazon.com/federation');
    expect([...url.searchParams.keys()]).toEqual(['Action', 'Session']);
    expect(url.searchParams.get('Action')).toBe('getSigninToken');
    expect(JSON.parse(url.searchParams.get('Session') ?? '')).toEqual({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    });
    // "+" and "/" in the secret must be percent-encoded, not left for a server to read as space.
    expect(urls[0]).not.toContain('+');
    expect(urls[0]).toContain('%2B');
  });

  it.each([
    [400, 'Bad Request', 'invalid-request', 'refused these credentials'],
    [403, '', 'invalid-request', 'HTTP 403'],
    [429, '', 'throttled', 'throttling'],
    [503, '<html>', 'service-unavailable', 'HTTP 503'],
    [200, '<html>not json</html>', 'service-unavailable', 'without a sign-in token'],
    [200, '{"SigninToken": ""}', 'service-unavailable', 'without a sign-in token'],
  ])('HTTP %i %j → %s', async (status, body, code, mentions) => {
    const { fetch } = answering(status, body);
    const error = await errorOf(() => getSigninToken({ credentials, endpoint: 'https://signin.aws.amazon.com/federation', fetch }));
    expect(error.code).toBe(code);
    expect(error.userMessage).toContain(mentions);
    expect(error.userMessage).not.toContain(credentials.secretAccessKey);
  });

  it('reports an unreachable endpoint without echoing the URL (it holds the secret key)', async () => {
    const fetch: FetchLike = async (url) => {
      throw new TypeError(`fetch failed for ${url}`);
    };
    const error = await errorOf(() => getSigninToken({ credentials, endpoint: 'https://signin.aws.amazon.com/federation', fetch }));
    expect(error.code).toBe('network');
    expect(error.userMessage).toContain('signin.aws.amazon.com');
    expect(error.userMessage).not.toContain('wJalr');
  });

  it('gives up after the timeout, and tells a cancel from a timeout', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }));
    const timedOut = await errorOf(() =>
      getSigninToken({ credentials, endpoint: 'https://signin.aws.amazon.com/federation', fetch: hanging, timeoutMs: 30 }),
    );
    expect(timedOut.code).toBe('network');
    expect(timedOut.userMessage).toContain('did not answer');

    const controller = new AbortController();
    const running = errorOf(() =>
      getSigninToken({ credentials, endpoint: 'https://signin.aws.amazon.com/federation', fetch: hanging, signal: controller.signal }),
    );
    controller.abort();
    expect((await running).code).toBe('sign-in-cancelled');
  });
});

describe('consoleLoginUrl and createConsoleUrl', () => {
  it('builds the login URL with every parameter encoded', () => {
    expect(
      consoleLoginUrl({
        signinToken: 'a+b/c=',
        endpoint: 'https://signin.aws.amazon.com/federation',
        destination: 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1',
        issuer: 'Rolecall',
      }),
    ).toBe(
      'https://signin.aws.amazon.com/federation?Action=login&Issuer=Rolecall&Destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-east-1&SigninToken=a%2Bb%2Fc%3D',
    );
    expect(
      consoleLoginUrl({
        signinToken: 't',
        endpoint: 'https://signin.amazonaws.cn/federation',
        destination: 'https://console.amazonaws.cn/',
      }),
    ).toBe('https://signin.amazonaws.cn/federation?Action=login&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2F&SigninToken=t');
  });

  it.each([
    [
      'eu-central-1',
      'https://eu-central-1.signin.aws.amazon.com/federation',
      'https://eu-central-1.console.aws.amazon.com/console/home?region=eu-central-1',
    ],
    ['us-east-1', 'https://signin.aws.amazon.com/federation', 'https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1'],
    ['cn-northwest-1', 'https://signin.amazonaws.cn/federation', 'https://console.amazonaws.cn/console/home?region=cn-northwest-1'],
    [
      'us-gov-east-1',
      'https://signin.amazonaws-us-gov.com/federation',
      'https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1',
    ],
  ])('composes token and login URL on one endpoint for %s', async (region, endpoint, destination) => {
    const { fetch, urls } = answering(200, '{"SigninToken":"tok"}');
    const url = new URL(await createConsoleUrl({ credentials, region, issuer: 'Rolecall', fetch }));
    expect(urls[0]?.startsWith(`${endpoint}?Action=getSigninToken&`)).toBe(true);
    expect(`${url.origin}${url.pathname}`).toBe(endpoint);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: 'login',
      Issuer: 'Rolecall',
      Destination: destination,
      SigninToken: 'tok',
    });
  });

  it('validates the destination before sending credentials anywhere', async () => {
    const { fetch, urls } = answering(200, '{"SigninToken":"tok"}');
    const error = await errorOf(() => createConsoleUrl({ credentials, region: 'eu-west-1', destination: 'https://evil.example/', fetch }));
    expect(error.code).toBe('invalid-input');
    expect(urls).toEqual([]);
  });
});
