import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../model/settings';
import { parseRequest, requestChannels, requestSchemas } from './contract';

describe('the console-browser preference', () => {
  it('is a browser name: a request naming a program or a path is refused before it reaches the core', () => {
    const update = requestSchemas['preferences:update'];
    for (const consoleBrowser of ['/any/executable', 'firefox --new-instance', 'sh', '../../bin/evil', 'C:\\\\evil.exe']) {
      expect(update.safeParse({ consoleBrowser }).success, consoleBrowser).toBe(false);
    }
    expect(update.parse({ consoleBrowser: 'firefox' })).toEqual({ consoleBrowser: 'firefox' });
    expect(update.parse({ consoleBrowser: null })).toEqual({ consoleBrowser: null });
    expect(update.safeParse({ unknownPreference: true }).success).toBe(false);
  });

  it('a free-form command left in an older settings file reads as the default browser, not as a corrupt file', () => {
    const parsed = settingsSchema.parse({ preferences: { consoleBrowser: '/usr/bin/my-browser --flag', clipboardClearSeconds: 30 } });
    expect(parsed.preferences.consoleBrowser).toBeNull();
    expect(parsed.preferences.clipboardClearSeconds).toBe(30);
  });
});

describe('preferences:update', () => {
  it('carries only what the request names: no default is filled in for the other preferences', () => {
    expect(requestSchemas['preferences:update'].parse({ clipboardClearSeconds: 30 })).toEqual({ clipboardClearSeconds: 30 });
    expect(requestSchemas['preferences:update'].safeParse({ clipboardClearSeconds: -1 }).success).toBe(false);
  });
});

describe('the contract over zod/mini model schemas', () => {
  // The model's schemas are zod/mini (credential-process loads them); the contract's are
  // classic zod. Both are built on zod/v4/core, so each nests in the other.
  it('validates the model schemas it nests, with their own messages, and strips or refuses as the classic wrapper says', () => {
    const role = { instanceId: 'work', accountId: '123456789012', roleName: 'Admin' };
    expect(parseRequest('credentials:copy', { role, format: 'json' })).toEqual({ role, format: 'json' });
    expect(() => parseRequest('credentials:copy', { role: { ...role, accountId: '12' } })).toThrow(
      'Rejected a malformed "credentials:copy" request (role.accountId): an AWS account id is 12 digits.',
    );
    expect(() => parseRequest('credentials:copy', { role: { ...role, roleName: '' } })).toThrow(
      'Rejected a malformed "credentials:copy" request (role.roleName): Too small: expected string to have >=1 characters.',
    );
    expect(() => parseRequest('instance:add', { startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1', extra: 1 })).toThrow(
      'Rejected a malformed "instance:add" request: Unrecognized key: "extra".',
    );
    expect(parseRequest('instance:add', { startUrl: ' https://d-1.awsapps.com/start ', region: 'us-east-1' })).toEqual({
      startUrl: 'https://d-1.awsapps.com/start',
      region: 'us-east-1',
    });
    expect(() => parseRequest('instance:update', { instanceId: 'work', ssoSessionName: 'a b' })).toThrow(
      'Rejected a malformed "instance:update" request (ssoSessionName): use letters, digits, ".", "_" or "-".',
    );
  });

  it('lists every channel it has, in order, for the clients that load no schema', () => {
    expect([...requestChannels]).toEqual(Object.keys(requestSchemas));
  });
});
