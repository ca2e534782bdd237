import { describe, expect, it } from 'vitest';
import { planPopulate, rolecallMarker } from './populate';
import type { PopulateChainedRole } from './populate';
import { REALISTIC_CONFIG, baseInput, stripRolecallSections } from './test-support/fixtures';

const MARK = `# ${rolecallMarker('corp')}`;
const deployer: PopulateChainedRole = {
  name: 'shared-deployer',
  source: { accountId: '111111111111', roleName: 'AdministratorAccess' },
  roleArn: 'arn:aws:iam::333333333333:role/Deployer',
  externalId: 'rolecall-333333333333',
  sessionName: 'jane',
  durationSeconds: 1800,
  region: 'eu-central-1',
};

describe('config populate with chained roles', () => {
  it('writes role_arn + source_profile (the generated SSO profile) after the role profiles, the rest of the file byte for byte', () => {
    const plan = planPopulate(baseInput(REALISTIC_CONFIG, { chainedRoles: [deployer] }));
    expect(
      plan.newText.endsWith(`
${MARK}
[profile shared-deployer]
role_arn = arn:aws:iam::333333333333:role/Deployer
source_profile = prod-AdministratorAccess
external_id = rolecall-333333333333
role_session_name = jane
duration_seconds = 1800
region = eu-central-1
`),
    ).toBe(true);
    expect(plan.added).toContainEqual({ profile: 'shared-deployer', accountId: '333333333333', roleName: 'Deployer' });
    // The user's comments, unknown sections and order survive untouched.
    expect(stripRolecallSections(plan.newText)).toBe(REALISTIC_CONFIG);
  });

  it('is idempotent, updates its own profile in place, and keeps keys the user added to it', () => {
    const first = planPopulate(baseInput(REALISTIC_CONFIG, { chainedRoles: [deployer] })).newText;
    const again = planPopulate(baseInput(first, { chainedRoles: [deployer] }));
    expect(again.newText).toBe(first);
    expect(again.unchanged).toContainEqual({ profile: 'shared-deployer', accountId: '333333333333', roleName: 'Deployer' });
    const edited = first.replace('role_session_name = jane\n', 'role_session_name = jane\ncli_pager = less\n');
    const changed = planPopulate(
      baseInput(edited, { chainedRoles: [{ ...deployer, externalId: undefined, sessionName: 'ci' } as PopulateChainedRole] }),
    );
    expect(changed.updated).toContainEqual({ profile: 'shared-deployer', accountId: '333333333333', roleName: 'Deployer' });
    expect(changed.newText).toContain(
      '[profile shared-deployer]\nrole_arn = arn:aws:iam::333333333333:role/Deployer\nsource_profile = prod-AdministratorAccess\nrole_session_name = ci\ncli_pager = less\n',
    );
    expect(changed.newText).not.toContain('external_id');
  });

  it('leaves a profile of that name the user wrote alone, and skips a chain whose source role has no profile', () => {
    const mine = `${REALISTIC_CONFIG}\n[profile shared-deployer]\nrole_arn = arn:aws:iam::999999999999:role/Mine\nsource_profile = default\n`;
    const plan = planPopulate(
      baseInput(mine, {
        chainedRoles: [deployer, { ...deployer, name: 'orphan', source: { accountId: '444444444444', roleName: 'Gone' } }],
      }),
    );
    expect(plan.newText).toContain('[profile shared-deployer]\nrole_arn = arn:aws:iam::999999999999:role/Mine\nsource_profile = default\n');
    expect(plan.newText).not.toContain('[profile orphan]');
    expect(plan.notes).toEqual([
      'A profile named "shared-deployer" already exists and is not Rolecall\'s chained role, so it was left as it is.',
      'The chained role "orphan" was not written: no profile for its source role Gone in 444444444444 (is the role still assigned, or left out by --filter?).',
    ]);
  });

  it('removes a chained profile no longer saved only with prune, and says so otherwise', () => {
    const first = planPopulate(baseInput(REALISTIC_CONFIG, { chainedRoles: [deployer] })).newText;
    const kept = planPopulate(baseInput(first, { chainedRoles: [] }));
    expect(kept.newText).toBe(first);
    expect(kept.notes).toEqual([
      'The Rolecall profile "shared-deployer" is for a chained role no longer saved; run again with --prune to remove it.',
    ]);
    const pruned = planPopulate(baseInput(first, { chainedRoles: [], pruneChained: true }));
    expect(pruned.newText).not.toContain('shared-deployer');
    expect(pruned.removed).toEqual([{ profile: 'shared-deployer', accountId: '333333333333', roleName: 'Deployer' }]);
    expect(stripRolecallSections(pruned.newText)).toBe(REALISTIC_CONFIG);
  });
});
