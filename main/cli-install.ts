import { posix, win32 } from 'node:path';

/**
 * "Install the rolecall command", as VS Code's "Install 'code' command in PATH": the plan is
 * worked out here from what exists, without touching anything; cli-install-run.ts carries it
 * out. The launcher is the shipped script, resources/rolecall-cli/bin/rolecall(.cmd).
 */

/** Where macOS gets the command: on the default PATH of every shell, and not SIP-protected. */
export const MAC_LINK_PATH = '/usr/local/bin/rolecall';

/** What is at the link path now. */
export type LinkState = { readonly kind: 'missing' } | { readonly kind: 'symlink'; readonly target: string } | { readonly kind: 'other' };

/** The user PATH as `reg query HKCU\Environment /v Path` reports it; undefined when there is none. */
export interface UserPath {
  readonly value: string;
  readonly type: 'REG_SZ' | 'REG_EXPAND_SZ';
}

export type CliInstallFacts =
  | {
      readonly platform: 'darwin';
      readonly launcher: string;
      /** MAC_LINK_PATH but in tests. */
      readonly linkPath: string;
      readonly link: LinkState;
      readonly binDir: { exists: boolean; writable: boolean };
    }
  | { readonly platform: 'win32'; readonly launcher: string; readonly userPath: UserPath | undefined }
  | { readonly platform: 'linux' | 'other'; readonly launcher: string };

export type CliInstallPlan =
  /** Nothing to do; the message says why. */
  | { readonly kind: 'done'; readonly message: string }
  /** Cannot be done safely; the message says what the user can do. */
  | { readonly kind: 'refused'; readonly message: string }
  | {
      readonly kind: 'symlink';
      readonly link: string;
      readonly target: string;
      /** An older Rolecall link to replace. */
      readonly replace: boolean;
      /** /usr/local/bin is missing or not writable by this user: ask for an administrator. */
      readonly needsAdmin: boolean;
    }
  | { readonly kind: 'user-path'; readonly dir: string; readonly value: string; readonly type: UserPath['type'] };

/** Whether the item belongs in the menu: the Linux packages install /usr/bin/rolecall themselves. */
export const offersCliInstall = (platform: NodeJS.Platform): boolean => platform === 'darwin' || platform === 'win32';

/** The shipped launcher inside the packaged app's resources. */
export const launcherPath = (platform: NodeJS.Platform, resourcesPath: string): string =>
  platform === 'win32'
    ? win32.join(resourcesPath, 'rolecall-cli', 'bin', 'rolecall.cmd')
    : posix.join(resourcesPath, 'rolecall-cli', 'bin', 'rolecall');

/** A link some Rolecall.app (this one, or one since moved or renamed) made. */
const isRolecallLauncher = (target: string): boolean => target.endsWith('/rolecall-cli/bin/rolecall');

/** Windows paths compare case-insensitively, with or without a trailing backslash. */
const samePathEntry = (a: string, b: string): boolean => a.replace(/[\\/]+$/, '').toLowerCase() === b.replace(/[\\/]+$/, '').toLowerCase();

export const planCliInstall = (facts: CliInstallFacts): CliInstallPlan => {
  switch (facts.platform) {
    case 'darwin': {
      const { link, launcher, linkPath } = facts;
      if (link.kind === 'symlink' && link.target === launcher)
        return { kind: 'done', message: `The rolecall command is installed already (${linkPath}).` };
      if (link.kind === 'other' || (link.kind === 'symlink' && !isRolecallLauncher(link.target)))
        return {
          kind: 'refused',
          message: `${linkPath} exists and is not Rolecall's; remove it and choose "Install the rolecall command" again.`,
        };
      return {
        kind: 'symlink',
        link: linkPath,
        target: launcher,
        replace: link.kind === 'symlink',
        needsAdmin: !facts.binDir.exists || !facts.binDir.writable,
      };
    }
    case 'win32': {
      const dir = win32.dirname(facts.launcher);
      const entries = (facts.userPath?.value ?? '').split(';').filter((entry) => entry.trim() !== '');
      if (entries.some((entry) => samePathEntry(entry, dir)))
        return { kind: 'done', message: 'The rolecall command is on your PATH already; open a new terminal to use it.' };
      // REG_EXPAND_SZ keeps entries such as %USERPROFILE%\bin working; an existing REG_SZ stays one.
      return { kind: 'user-path', dir, value: [...entries, dir].join(';'), type: facts.userPath?.type ?? 'REG_EXPAND_SZ' };
    }
    default:
      return { kind: 'done', message: 'The Rolecall package installs the rolecall command (/usr/bin/rolecall) already.' };
  }
};

/** Reads the user PATH out of `reg query HKCU\Environment /v Path` output. */
export const parseRegQuery = (output: string): UserPath | undefined => {
  const match = /^[ \t]*Path[ \t]+(REG_SZ|REG_EXPAND_SZ)[ \t]*(.*?)\r?$/im.exec(output);
  return match ? { type: match[1] as UserPath['type'], value: match[2] ?? '' } : undefined;
};

/** Single-quoted for sh: nothing inside is expanded. */
const shQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** The osascript argument that makes the link as an administrator (macOS asks for the password). */
export const adminLinkScript = (link: string, target: string): string => {
  const command = `mkdir -p ${shQuote(posix.dirname(link))} && ln -sfn ${shQuote(target)} ${shQuote(link)}`;
  return `do shell script "${command.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" with administrator privileges`;
};
