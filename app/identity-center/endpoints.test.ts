import { describe, expect, it } from 'vitest';
import { instanceEndpointsFromBase, oidcEndpointFor, portalEndpointFor, stsEndpointFor } from './endpoints';

describe('endpoints', () => {
  it('derives the regional endpoints of each partition', () => {
    expect(oidcEndpointFor({ region: 'eu-west-1' })).toBe('https://oidc.eu-west-1.amazonaws.com');
    expect(portalEndpointFor({ region: 'eu-west-1' })).toBe('https://portal.sso.eu-west-1.amazonaws.com');
    expect(oidcEndpointFor({ region: 'cn-north-1' })).toBe('https://oidc.cn-north-1.amazonaws.com.cn');
    expect(portalEndpointFor({ region: 'cn-northwest-1' })).toBe('https://portal.sso.cn-northwest-1.amazonaws.com.cn');
    expect(oidcEndpointFor({ region: 'us-gov-west-1' })).toBe('https://oidc.us-gov-west-1.amazonaws.com');
  });

  it('prefers an instance override, without a trailing slash', () => {
    const endpoints = { oidc: 'http://127.0.0.1:4000/', portal: 'http://127.0.0.1:4001' };
    expect(oidcEndpointFor({ region: 'us-east-1', endpoints })).toBe('http://127.0.0.1:4000');
    expect(portalEndpointFor({ region: 'us-east-1', endpoints })).toBe('http://127.0.0.1:4001');
    expect(portalEndpointFor({ region: 'us-east-1', endpoints: { oidc: 'http://127.0.0.1:4000' } })).toBe(
      'https://portal.sso.us-east-1.amazonaws.com',
    );
  });

  it('refuses a region no partition knows', () => {
    expect(() => oidcEndpointFor({ region: 'mars-north-1' })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('serves every API from one base URL for the emulator', () => {
    expect(instanceEndpointsFromBase('http://127.0.0.1:5555/')).toEqual({
      oidc: 'http://127.0.0.1:5555',
      portal: 'http://127.0.0.1:5555',
      federation: 'http://127.0.0.1:5555/federation',
      sts: 'http://127.0.0.1:5555',
    });
  });

  it('calls STS in the chosen region of the partition, or at the override', () => {
    expect(stsEndpointFor({}, 'eu-west-1')).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(stsEndpointFor({}, 'cn-north-1')).toBe('https://sts.cn-north-1.amazonaws.com.cn');
    expect(stsEndpointFor({ endpoints: { sts: 'http://127.0.0.1:5555/' } }, 'eu-west-1')).toBe('http://127.0.0.1:5555');
  });
});
