import { describe, expect, it } from 'vitest';
import { parsePlainCredentialProcessArgs } from './credential-process-args';

describe('parsePlainCredentialProcessArgs', () => {
  it('reads the plain forms into the options commander would hand the action', () => {
    expect(parsePlainCredentialProcessArgs(['--account', '111111111111', '--role', 'Admin'])).toEqual({
      account: '111111111111',
      role: 'Admin',
    });
    expect(
      parsePlainCredentialProcessArgs([
        '--account=prod',
        '--role',
        'Admin',
        '--instance',
        'work',
        '--wait=30',
        '--assume-role',
        'arn:aws:iam::222222222222:role/Deploy',
        '--external-id',
        'x=1',
        '--role-session-name',
        'ci',
      ]),
    ).toEqual({
      account: 'prod',
      role: 'Admin',
      instance: 'work',
      wait: '30',
      assumeRole: 'arn:aws:iam::222222222222:role/Deploy',
      externalId: 'x=1',
      roleSessionName: 'ci',
    });
  });

  it('leaves everything else to commander: help, unknown, repeated, missing or dash-led values, a missing required option', () => {
    for (const argv of [
      ['--help'],
      ['--account', '1', '--role', 'A', '-h'],
      ['--account', '1', '--role', 'A', '--bogus', 'x'],
      ['--account', '1', '--account', '2', '--role', 'A'],
      ['--account', '1', '--role'],
      ['--account', '--role', 'A'],
      ['--account=', '--role', 'A'],
      ['--account', '1', '--role', 'A', '--wait', '-1'],
      ['--account', '1'],
      ['--account', '1', '--role', 'A', 'extra'],
      ['--constructor', 'x', '--account', '1', '--role', 'A'],
    ])
      expect(parsePlainCredentialProcessArgs(argv), argv.join(' ')).toBeUndefined();
  });
});
