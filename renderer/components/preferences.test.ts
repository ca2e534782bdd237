import { describe, expect, it } from 'vitest';
import { instanceLabelProblem, ssoSessionNameProblem } from './preferences';

describe('instance edit validation (before anything is sent)', () => {
  it('accepts the sso-session names the AWS CLI accepts and says what is wrong otherwise', () => {
    expect(ssoSessionNameProblem('my-sso_2.prod')).toBeUndefined();
    expect(ssoSessionNameProblem('')).toBe('An sso-session name is required.');
    expect(ssoSessionNameProblem('my session')).toBe('Not a valid sso-session name: use letters, digits, ".", "_" or "-".');
    expect(ssoSessionNameProblem('[x]')).toMatch(/^Not a valid sso-session name/);
    expect(ssoSessionNameProblem('a'.repeat(64))).toBeUndefined();
    expect(ssoSessionNameProblem('a'.repeat(65))).toBe('Use at most 64 characters.');
  });

  it('requires a name of at most 100 characters', () => {
    expect(instanceLabelProblem('Work')).toBeUndefined();
    expect(instanceLabelProblem('')).toBe('Give the instance a name.');
    expect(instanceLabelProblem('x'.repeat(101))).toBe('Use at most 100 characters.');
  });
});
