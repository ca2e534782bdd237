import { describe, expect, it } from 'vitest';
import { isRolecallError } from '../model/errors';
import { parseIni } from './ini-document';
import { planPopulate, rolecallMarker } from './populate';
import { REALISTIC_CONFIG, ROLES, baseInput, stripRolecallSections } from './test-support/fixtures';

const MARK = `# ${rolecallMarker('corp')}`;

describe('planPopulate on a realistic file', () => {
  const plan = planPopulate(baseInput(REALISTIC_CONFIG));

  it('appends one sso-session and one marked profile per role (golden)', () => {
    expect(plan.newText).toBe(
      `${REALISTIC_CONFIG}
${MARK}
[sso-session acme]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

${MARK}
[profile prod-AdministratorAccess]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = AdministratorAccess

${MARK}
[profile prod-ReadOnly]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = ReadOnly

${MARK}
[profile Dev-Sandbox-EU-Developer]
sso_session = acme
sso_account_id = 222222222222
sso_role_name = Developer
`,
    );
    expect(plan.session).toBe('added');
    expect(plan.added.map((a) => a.profile)).toEqual(['prod-AdministratorAccess', 'prod-ReadOnly', 'Dev-Sandbox-EU-Developer']);
    expect([plan.updated, plan.removed, plan.unchanged, plan.stale, plan.notes]).toEqual([[], [], [], [], []]);
  });

  it('leaves every byte outside its own sections as it was', () => {
    expect(stripRolecallSections(plan.newText)).toBe(REALISTIC_CONFIG);
  });

  it('is idempotent: a second populate changes nothing', () => {
    const again = planPopulate(baseInput(plan.newText));
    expect(again.newText).toBe(plan.newText);
    expect(again.session).toBe('unchanged');
    expect(again.added).toEqual([]);
    expect(again.updated).toEqual([]);
    expect(again.unchanged.map((u) => u.profile)).toEqual(['prod-AdministratorAccess', 'prod-ReadOnly', 'Dev-Sandbox-EU-Developer']);
  });

  it('matches its profiles by role, not by name, so a new template does not duplicate them', () => {
    const again = planPopulate(baseInput(plan.newText, { template: '{account_id}.{role_name}', lowercase: true }));
    expect(again.newText).toBe(plan.newText);
    const more = planPopulate(
      baseInput(plan.newText, {
        template: '{sso_session}_{account_id}_{role_name}',
        lowercase: true,
        roles: [...ROLES, { accountId: '333333333333', accountName: 'x', roleName: 'Billing' }],
      }),
    );
    expect(more.added.map((a) => a.profile)).toEqual(['acme_333333333333_billing']);
  });

  it('sets region everywhere only when asked, and keeps hand-added keys such as output', () => {
    const edited = plan.newText.replace('sso_role_name = ReadOnly\n', 'sso_role_name = ReadOnly\nregion = ap-south-1\noutput = yaml\n');
    const withoutRegion = planPopulate(baseInput(edited));
    expect(withoutRegion.newText).toBe(edited);
    const withRegion = planPopulate(baseInput(edited, { region: 'eu-central-1' }));
    expect(withRegion.newText).toContain('sso_role_name = ReadOnly\nregion = eu-central-1\noutput = yaml\n');
    expect(withRegion.newText).toContain('sso_role_name = AdministratorAccess\nregion = eu-central-1\n');
    expect(withRegion.updated).toHaveLength(3);
    expect(stripRolecallSections(withRegion.newText)).toBe(REALISTIC_CONFIG);
  });

  it('keeps the spacing and extra keys of its sections, and updates the sso-session in place', () => {
    const edited = plan.newText
      .replace('sso_role_name = ReadOnly', 'sso_role_name   =   ReadOnly')
      .replace(
        'sso_session = acme\nsso_account_id = 222222222222',
        'sso_session = acme\nsso_account_id = 222222222222\nsso_start_url = stale',
      );
    const again = planPopulate(baseInput(edited));
    expect(again.newText).toBe(edited);
    const switched = planPopulate(
      baseInput(edited, { session: { name: 'acme', startUrl: 'https://d-1234567890.awsapps.com/start/', region: 'us-east-2' } }),
    );
    expect(switched.session).toBe('updated');
    expect(switched.newText).toContain(
      '[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-2\n',
    );
  });

  it('prunes only its own profiles for this instance whose role is gone', () => {
    const otherInstance = planPopulate({
      ...baseInput(plan.newText),
      instanceId: 'other',
      session: { name: 'other-sso', startUrl: 'https://other.awsapps.com/start', region: 'us-east-1' },
      roles: [ROLES[0] as (typeof ROLES)[number]],
    });
    const remaining = [ROLES[0], ROLES[2]] as typeof ROLES;
    const kept = planPopulate(baseInput(otherInstance.newText, { roles: remaining }));
    expect(kept.stale.map((s) => s.profile)).toEqual(['prod-ReadOnly']);
    expect(kept.newText).toBe(otherInstance.newText);
    const pruned = planPopulate(baseInput(otherInstance.newText, { roles: remaining, prune: true }));
    expect(pruned.removed).toEqual([{ profile: 'prod-ReadOnly', accountId: '111111111111', roleName: 'ReadOnly' }]);
    expect(pruned.newText).toBe(
      otherInstance.newText.replace(
        `\n${MARK}\n[profile prod-ReadOnly]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\n`,
        '',
      ),
    );
    // The other instance's profile (same role, suffixed name) is untouched.
    expect(pruned.newText).toContain('[profile prod-AdministratorAccess-2]\nsso_session = other-sso');
    expect(stripRolecallSections(pruned.newText)).toBe(REALISTIC_CONFIG);
  });
});

describe("planPopulate keeps away from the user's own sections", () => {
  it('picks a suffixed name when a user profile of that name is for something else', () => {
    const text = '[profile prod-AdministratorAccess]\nregion = us-east-1\n';
    const plan = planPopulate(baseInput(text, { roles: [ROLES[0], { ...ROLES[0], accountId: '999999999999' }] as typeof ROLES }));
    expect(plan.added.map((a) => a.profile)).toEqual(['prod-AdministratorAccess-2', 'prod-AdministratorAccess-3']);
    expect(plan.notes[0]).toContain('"prod-AdministratorAccess" already exists');
    expect(plan.newText.startsWith(text)).toBe(true);
  });

  it('leaves a user-written profile for the same role alone instead of adding a duplicate', () => {
    const text = '[profile mine]\nsso_session = acme\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n';
    const plan = planPopulate(baseInput(text, { roles: [ROLES[0]] as typeof ROLES, region: 'eu-west-1', prune: true }));
    expect(plan.unchanged).toEqual([{ profile: 'mine', accountId: '111111111111', roleName: 'AdministratorAccess' }]);
    expect(plan.added).toEqual([]);
    expect(plan.newText).toBe(
      `${text}\n${MARK}\n[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n`,
    );
  });

  it('sets only the needed keys in a user-written sso-session and keeps the rest of it', () => {
    const text =
      '[sso-session acme]\r\n# mine\r\nsso_start_url=https://d-1234567890.awsapps.com/start\r\nsso_region=us-west-2\r\nsso_registration_scopes=sso:account:access,codewhisperer:completions\r\n';
    const plan = planPopulate(baseInput(text, { roles: [] }));
    expect(plan.newText).toBe(text.replace('sso_region=us-west-2', 'sso_region=eu-west-1'));
    expect(plan.session).toBe('updated');
  });

  it('refuses an sso-session of the same name for another start URL', () => {
    const text = '[sso-session acme]\nsso_start_url = https://someone-else.awsapps.com/start\nsso_region = us-east-1\n';
    expect(() => planPopulate(baseInput(text))).toThrow(/already has \[sso-session acme\] for https:\/\/someone-else/);
  });

  it('refuses a malformed file, naming the line', () => {
    const text = '[default]\nregion = us-east-1\n[profile broken\nx = 1\n';
    try {
      planPopulate(baseInput(text, { source: '/home/u/.aws/config' }));
      expect.unreachable();
    } catch (error) {
      expect(isRolecallError(error) && error.code).toBe('config-file');
      expect((error as Error).message).toContain('/home/u/.aws/config line 3 ');
    }
  });

  it('rejects values that would break the file', () => {
    expect(() => planPopulate(baseInput('', { region: 'eu-west-1\n[default]' }))).toThrow(/cannot be written/);
    expect(() => planPopulate(baseInput('', { roles: [{ accountId: '1', accountName: 'a', roleName: 'R' }] }))).toThrow(
      /not a valid account id/,
    );
    expect(() => planPopulate(baseInput('', { template: '{account}-{role_name}' }))).toThrow(/\{account\}/);
  });
});

describe('planPopulate line endings and file shapes', () => {
  it('uses CRLF in a CRLF file and leaves the rest identical', () => {
    const crlf = REALISTIC_CONFIG.replace(/\n/g, '\r\n');
    const plan = planPopulate(baseInput(crlf));
    expect(plan.newText.slice(crlf.length)).not.toMatch(/[^\r]\n/);
    expect(stripRolecallSections(plan.newText)).toBe(crlf);
    expect(planPopulate(baseInput(plan.newText)).newText).toBe(plan.newText);
  });

  it('keeps a file without a final newline without one', () => {
    const noEol = REALISTIC_CONFIG.trimEnd();
    const plan = planPopulate(baseInput(noEol));
    expect(plan.newText.endsWith('sso_role_name = Developer')).toBe(true);
    expect(stripRolecallSections(plan.newText)).toBe(noEol);
    const pruned = planPopulate(baseInput(plan.newText, { roles: [], prune: true }));
    expect(pruned.removed).toHaveLength(3);
    expect(stripRolecallSections(pruned.newText)).toBe(noEol);
  });

  it('starts a missing or empty file, and keeps a BOM', () => {
    const plan = planPopulate(baseInput('', { roles: [ROLES[0]] as typeof ROLES }));
    expect(plan.newText.startsWith(`${MARK}\n[sso-session acme]\n`)).toBe(true);
    expect(parseIni(plan.newText).sections.map((s) => s.name)).toEqual(['sso-session acme', 'profile prod-AdministratorAccess']);
    const bom = planPopulate(baseInput('\ufeff[default]\nregion = x\n', { roles: [] }));
    expect(bom.newText.startsWith('\ufeff[default]\nregion = x\n\n# Managed')).toBe(true);
  });

  it('writes credential_process profiles and switches modes in place', () => {
    const plan = planPopulate(baseInput(REALISTIC_CONFIG, { credentialProcess: { command: 'rolecall credential-process' } }));
    expect(plan.newText).toContain(
      `${MARK}\n[profile prod-ReadOnly]\ncredential_process = rolecall credential-process --account 111111111111 --role ReadOnly --instance corp\n`,
    );
    expect(planPopulate(baseInput(plan.newText, { credentialProcess: { command: 'rolecall credential-process' } })).newText).toBe(
      plan.newText,
    );
    const back = planPopulate(baseInput(plan.newText));
    expect(back.updated).toHaveLength(3);
    expect(back.added).toHaveLength(0);
    expect(back.newText).toBe(planPopulate(baseInput(REALISTIC_CONFIG)).newText);
  });
});
