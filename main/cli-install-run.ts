import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, lstat, readlink, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MAC_LINK_PATH, adminLinkScript, parseRegQuery, planCliInstall } from './cli-install';
import type { CliInstallFacts, CliInstallPlan, LinkState } from './cli-install';

/** What carrying out a plan touches, injected so tests run it against a temp dir. */
export interface CliInstallSystem {
  readLink(path: string): Promise<LinkState>;
  dirAccess(path: string): Promise<{ exists: boolean; writable: boolean }>;
  symlink(target: string, path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Runs a program (no shell); rejects when it exits non-zero. */
  run(file: string, args: readonly string[]): Promise<string>;
}

export const nodeCliInstallSystem: CliInstallSystem = {
  readLink: async (path) => {
    try {
      const stats = await lstat(path);
      return stats.isSymbolicLink() ? { kind: 'symlink', target: await readlink(path) } : { kind: 'other' };
    } catch {
      return { kind: 'missing' };
    }
  },
  dirAccess: async (path) => {
    try {
      await access(path, constants.F_OK);
    } catch {
      return { exists: false, writable: false };
    }
    return access(path, constants.W_OK).then(
      () => ({ exists: true, writable: true }),
      () => ({ exists: true, writable: false }),
    );
  },
  symlink: (target, path) => symlink(target, path),
  unlink: (path) => unlink(path),
  run: (file, args) =>
    new Promise((resolve, reject) => {
      execFile(file, [...args], { windowsHide: true, timeout: 120_000 }, (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { stderr: String(stderr) })) : resolve(String(stdout)),
      );
    }),
};

export interface CliInstallRequest {
  readonly platform: NodeJS.Platform;
  readonly launcher: string;
  readonly system?: CliInstallSystem;
  /** Tests: where the macOS link goes (default /usr/local/bin/rolecall). */
  readonly linkPath?: string;
}

export interface CliInstallOutcome {
  readonly ok: boolean;
  /** One sentence for a dialog or notification. */
  readonly message: string;
}

const gatherFacts = async (request: CliInstallRequest, system: CliInstallSystem, linkPath: string): Promise<CliInstallFacts> => {
  const { platform, launcher } = request;
  if (platform === 'darwin')
    return { platform, launcher, linkPath, link: await system.readLink(linkPath), binDir: await system.dirAccess(dirname(linkPath)) };
  if (platform === 'win32') {
    // `reg query` exits 1 when the user has no PATH of their own: then there is none to keep.
    const output = await system.run('reg', ['query', 'HKCU\\Environment', '/v', 'Path']).catch(() => '');
    return { platform, launcher, userPath: parseRegQuery(output) };
  }
  return { platform: platform === 'linux' ? 'linux' : 'other', launcher };
};

const isUserCancel = (error: unknown): boolean => /-128|User cancel/i.test(String((error as { stderr?: string }).stderr ?? error));

const carryOut = async (plan: CliInstallPlan, system: CliInstallSystem): Promise<CliInstallOutcome> => {
  switch (plan.kind) {
    case 'done':
      return { ok: true, message: plan.message };
    case 'refused':
      return { ok: false, message: plan.message };
    case 'symlink': {
      const { link: linkPath } = plan;
      const installed = `Installed the rolecall command: ${linkPath} now runs Rolecall's; open a new terminal to use it.`;
      if (!plan.needsAdmin) {
        try {
          if (plan.replace) await system.unlink(linkPath);
          await system.symlink(plan.target, linkPath);
          return { ok: true, message: installed };
        } catch {
          // A directory writable on paper can still refuse (ACLs): the administrator route follows.
        }
      }
      try {
        await system.run('osascript', ['-e', adminLinkScript(linkPath, plan.target)]);
        return { ok: true, message: installed };
      } catch (error) {
        return {
          ok: false,
          message: isUserCancel(error)
            ? `The rolecall command was not installed: creating ${linkPath} needs an administrator's password.`
            : `Could not create ${linkPath} even as an administrator; link it yourself: sudo ln -sf '${plan.target}' ${linkPath}`,
        };
      }
    }
    case 'user-path':
      try {
        // reg add, not setx: setx cuts values at 1024 characters and, fed %PATH%, would copy the
        // system PATH into the user's; reg writes exactly this value and keeps its type.
        await system.run('reg', ['add', 'HKCU\\Environment', '/v', 'Path', '/t', plan.type, '/d', plan.value, '/f']);
      } catch {
        return {
          ok: false,
          message: `Could not add ${plan.dir} to your PATH; add it in Settings > System > About > Environment Variables.`,
        };
      }
      // reg does not tell running programs; setx of a short variable of our own broadcasts the
      // change, so terminals opened from now on find rolecall without signing out.
      await system.run('setx', ['ROLECALL_CLI_DIR', plan.dir]).catch(() => undefined);
      return { ok: true, message: `Added ${plan.dir} to your PATH; open a new terminal to use rolecall.` };
  }
};

/** Works out the plan from what exists and carries it out; never throws. */
export const installCliCommand = async (request: CliInstallRequest): Promise<CliInstallOutcome> => {
  const system = request.system ?? nodeCliInstallSystem;
  const linkPath = request.linkPath ?? MAC_LINK_PATH;
  try {
    const facts = await gatherFacts(request, system, linkPath);
    return await carryOut(planCliInstall(facts), system);
  } catch (error) {
    return { ok: false, message: `Could not install the rolecall command (${error instanceof Error ? error.message : String(error)}).` };
  }
};
