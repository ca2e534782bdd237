import { describe, expect, it } from 'vitest';
import type { Instance } from '../model/instances';
import { findEntry, findSection, parseIni } from './ini-document';
import { planPopulate } from './populate';
import { planSessionRename } from './session-rename';
import { REALISTIC_CONFIG, baseInput, stripRolecallSections } from './test-support/fixtures';

const instance = (ssoSessionName: string): Instance => ({
  id: 'corp',
  label: 'Corp',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-1',
  ssoSessionName,
});

describe('planSessionRename', () => {
  it("renames Rolecall's sso-session in place and points Rolecall's profiles at it, leaving every other byte alone", () => {
    const populated = planPopulate(baseInput(REALISTIC_CONFIG)).newText;
    const plan = planSessionRename({ text: populated, instance: instance('acme-renamed'), from: 'acme' });
    const doc = parseIni(plan.newText);
    expect(findSection(doc, 'sso-session acme')).toBeUndefined();
    expect(findEntry(findSection(doc, 'sso-session acme-renamed')!, 'sso_start_url')?.value).toBe('https://d-1234567890.awsapps.com/start');
    expect(plan.profiles).toHaveLength(3);
    for (const name of plan.profiles) expect(findEntry(findSection(doc, `profile ${name}`)!, 'sso_session')?.value).toBe('acme-renamed');
    // Same lines, same order: only the renamed values differ.
    expect(plan.newText.split('\n')).toHaveLength(populated.split('\n').length);
    expect(stripRolecallSections(plan.newText)).toBe(stripRolecallSections(populated));
    expect(stripRolecallSections(plan.newText)).toBe(REALISTIC_CONFIG);
  });

  it("changes nothing in a file without Rolecall's sections for that instance", () => {
    expect(planSessionRename({ text: REALISTIC_CONFIG, instance: instance('new'), from: 'acme' }).newText).toBe(REALISTIC_CONFIG);
    const other = planPopulate(baseInput(REALISTIC_CONFIG, { instanceId: 'someone-else' })).newText;
    expect(planSessionRename({ text: other, instance: instance('new'), from: 'acme' }).newText).toBe(other);
  });

  it("keeps a user-written sso-session and adds a marked one for Rolecall's profiles", () => {
    const userSession = `[sso-session acme]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n`;
    const populated = planPopulate(baseInput(userSession)).newText;
    const plan = planSessionRename({ text: populated, instance: instance('acme-2'), from: 'acme' });
    const doc = parseIni(plan.newText);
    expect(plan.newText.startsWith(userSession)).toBe(true);
    expect(findSection(doc, 'sso-session acme-2')).toBeDefined();
    expect(plan.profiles.length).toBeGreaterThan(0);
  });

  it('refuses to rename onto a section the user already has, naming it', () => {
    const populated = planPopulate(baseInput(REALISTIC_CONFIG)).newText + '\n[sso-session taken]\nsso_region = us-east-1\n';
    expect(() => planSessionRename({ text: populated, instance: instance('taken'), from: 'acme' })).toThrow(
      /already has a \[sso-session taken\] section/,
    );
  });
});
