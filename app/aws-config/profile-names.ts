import { RolecallError } from '../model/errors';

/** The values a `--profile-template` can use. */
export interface ProfileNameVars {
  readonly account_name: string;
  readonly account_id: string;
  readonly role_name: string;
  readonly sso_session: string;
}

export const DEFAULT_PROFILE_TEMPLATE = '{account_name}-{role_name}';

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN: readonly string[] = ['account_name', 'account_id', 'role_name', 'sso_session'];

/** Checks a template up front so a typo fails before anything is planned. */
export const validateProfileTemplate = (template: string): void => {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN.includes(match[1] ?? '')) {
      throw new RolecallError(
        'invalid-input',
        `The profile template uses {${match[1] ?? ''}}, which is not one of ${KNOWN.map((k) => `{${k}}`).join(', ')}; fix the template and run the command again.`,
      );
    }
  }
};

/** Fills a template such as `{account_name}-{role_name}`. */
export const renderProfileTemplate = (template: string, vars: ProfileNameVars): string => {
  validateProfileTemplate(template);
  return template.replace(PLACEHOLDER, (_, name: string) => vars[name as keyof ProfileNameVars]);
};

/**
 * Makes a name the AWS CLI reads back as one profile from `[profile NAME]` (botocore splits
 * the header with shlex, so no spaces, quotes, backslashes or brackets): anything outside
 * letters, digits, `.`, `_` and `-` becomes `-`.
 */
export const sanitizeProfileName = (name: string, options: { readonly lowercase?: boolean } = {}): string => {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 128);
  return options.lowercase ? cleaned.toLowerCase() : cleaned;
};

/** The name itself when free, else the first of `name-2`, `name-3`, … not taken. */
export const uniqueProfileName = (name: string, taken: ReadonlySet<string>): string => {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
};
