import type { Instance } from '../model/instances';
import { appendSection, commentAbove, findEntry, findSection, parseIni, printIni, renameSection, setKey } from './ini-document';
import { DEFAULT_REGISTRATION_SCOPES, markerInstance, rolecallMarker } from './populate';

export interface SessionRenamePlan {
  readonly oldText: string;
  readonly newText: string;
  /** The Rolecall profiles whose `sso_session` now names the new session. */
  readonly profiles: readonly string[];
}

/**
 * Follows an instance's sso-session rename in ~/.aws/config: Rolecall's own `[sso-session]`
 * section is renamed in place and Rolecall's profiles of that instance point at the new
 * name, so `aws --profile …` keeps finding the token cache Rolecall now writes under the new
 * name. Sections without Rolecall's marker are left as they are; when the old session was
 * the user's own, a marked `[sso-session NEW]` is added for Rolecall's profiles. Pure.
 */
export const planSessionRename = (input: {
  readonly text: string;
  readonly source?: string;
  readonly instance: Instance;
  readonly from: string;
}): SessionRenamePlan => {
  const { instance, from } = input;
  const to = instance.ssoSessionName;
  let doc = parseIni(input.text, input.source);
  const isOurs = (comment: string | undefined) => markerInstance(comment ?? '') === instance.id;
  const ourProfiles = doc.sections
    .filter((section) => isOurs(commentAbove(doc, section)) && findEntry(section, 'sso_session')?.value === from)
    .map((section) => section.name);
  const oldSession = findSection(doc, `sso-session ${from}`);
  if (oldSession && isOurs(commentAbove(doc, oldSession))) {
    doc = renameSection(doc, `sso-session ${from}`, `sso-session ${to}`);
  } else if (ourProfiles.length > 0 && !findSection(doc, `sso-session ${to}`)) {
    const entries: [string, string][] = [
      ['sso_start_url', instance.startUrl],
      ['sso_region', instance.region],
      ['sso_registration_scopes', DEFAULT_REGISTRATION_SCOPES],
    ];
    doc = appendSection(doc, `sso-session ${to}`, entries, [rolecallMarker(instance.id)]);
  }
  for (const name of ourProfiles) doc = setKey(doc, name, 'sso_session', to);
  return { oldText: input.text, newText: printIni(doc), profiles: ourProfiles.map((name) => name.replace(/^profile\s+/, '')) };
};
