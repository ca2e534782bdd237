import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './url-allowlist';

const aws = { instances: [{ startUrl: 'https://d-1234567890.awsapps.com/start' }] };
const custom = { instances: [{ startUrl: 'https://sso.example.com/start' }] };
const demo = {
  instances: [
    { startUrl: 'http://127.0.0.1:4599/start', endpoints: { oidc: 'http://127.0.0.1:4599', federation: 'http://127.0.0.1:4599' } },
  ],
};
const none = { instances: [] };

describe('isAllowedExternalUrl', () => {
  it.each([
    ['access portal', 'https://d-1234567890.awsapps.com/start/#/', none, true],
    ['GovCloud portal', 'https://start.us-gov-home.awsapps.com/directory/d-9067', none, true],
    ['China portal', 'https://d-abc.awsapps.cn/start', none, true],
    ['device verification', 'https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH', none, true],
    ['device verification in China', 'https://device.sso.cn-north-1.amazonaws.com.cn/', none, true],
    ['federation sign-in', 'https://signin.aws.amazon.com/federation?Action=login', none, true],
    ['regional sign-in', 'https://us-east-1.signin.aws.amazon.com/oauth', none, true],
    ['console', 'https://eu-west-1.console.aws.amazon.com/console/home', none, true],
    ['GovCloud sign-in', 'https://signin.amazonaws-us-gov.com/federation', none, true],
    ['GovCloud console', 'https://console.amazonaws-us-gov.com/', none, true],
    ['China sign-in', 'https://signin.amazonaws.cn/federation', none, true],
    ['China console', 'https://console.amazonaws.cn/', none, true],
    // The page can add an instance with any start URL, so configuring one must not make its site openable.
    ['a configured start URL on a non-AWS host', 'https://sso.example.com/start/#/', custom, false],
    ['another page of that host', 'https://sso.example.com/login', custom, false],
    ['dual-stack access portal', 'https://ssoins-7223a2c6e4d1a0ba.portal.us-east-1.app.aws/', none, true],
    ['dual-stack device verification', 'https://device.sso.eu-west-1.app.aws/?user_code=ABCD-EFGH', none, true],
    ['same host without the instance', 'https://sso.example.com/start', none, false],
    ['emulator origin in demo mode', 'http://127.0.0.1:4599/device?user_code=X', demo, true],
    ['emulator origin when not configured', 'http://127.0.0.1:4599/device', aws, false],
    ['other loopback port', 'http://127.0.0.1:4600/device', demo, false],
    ['plain http AWS host', 'http://signin.aws.amazon.com/federation', none, false],
    ['lookalike suffix', 'https://signin.aws.amazon.com.evil.example/', none, false],
    ['lookalike prefix', 'https://evilsignin.aws.amazon.com/', none, false],
    ['other amazonaws page', 'https://s3.amazonaws.com/bucket/x', none, false],
    ['non-default port', 'https://signin.aws.amazon.com:8443/', none, false],
    ['credentials in the URL', 'https://user:pw@signin.aws.amazon.com/', none, false],
    ['file URL', 'file:///etc/passwd', none, false],
    ['javascript URL', 'javascript:alert(1)', none, false],
    ['custom scheme', 'smb://attacker/share', none, false],
    ['not a URL', 'not a url', none, false],
    ['unrelated site', 'https://example.com/', aws, false],
  ])('%s: %s', (_name, url, context, allowed) => {
    expect(isAllowedExternalUrl(url, context)).toBe(allowed);
  });
});
