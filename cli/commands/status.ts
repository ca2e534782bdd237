import { z } from 'zod';
import { formatRemaining } from '../../app/model/countdown';
import { isSignedIn, sessionStatusAt } from '../../app/model/session-status';
import type { AppSnapshot, InstanceView } from '../../app/model/snapshot';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { terminalSafe } from '../../app/node/terminal-text';
import { parseOptions } from '../../app/node/command-options';

const statusSchema = z.object({ json: z.boolean().default(false) });

/** What `rolecall status --json` prints: the redacted snapshot, summed up per instance. */
export interface StatusReport {
  /** The session owner (`rolecall agent`, `rolecall web`, the desktop app) this command asked, if one runs. */
  readonly owner: { readonly running: boolean; readonly pid?: number };
  readonly instances: readonly {
    readonly id: string;
    readonly label: string;
    readonly startUrl: string;
    readonly region: string;
    readonly ssoSessionName: string;
    readonly status: InstanceView['session']['status'];
    /** Signed in with an unexpired token (not while reconnecting: the token has run out). */
    readonly signedIn: boolean;
    readonly expiresAt?: string;
    readonly expiresInSeconds?: number;
    readonly refreshable?: boolean;
    readonly source?: 'rolecall' | 'aws-cli-cache';
    readonly error?: string;
    readonly directory: {
      readonly syncedAt?: string;
      readonly ageSeconds?: number;
      readonly stale: boolean;
      readonly accounts: number;
      readonly roles: number;
      readonly failedAccounts: number;
    };
  }[];
  /** Role credentials the owner holds in memory, nearest expiry first (none when working alone). */
  readonly credentials: readonly {
    readonly instanceId: string;
    readonly accountId: string;
    readonly accountName?: string;
    readonly roleName: string;
    readonly expiresAt: string;
    readonly expiresInSeconds: number;
  }[];
}

const seconds = (ms: number): number => Math.max(0, Math.floor(ms / 1000));

export const statusReport = (snapshot: AppSnapshot, ownerPid: number | undefined, now: number): StatusReport => ({
  owner: ownerPid === undefined ? { running: false } : { running: true, pid: ownerPid },
  instances: snapshot.instances.map((instance) => {
    const { session, sync } = instance;
    return {
      id: instance.id,
      label: instance.label,
      startUrl: instance.startUrl,
      region: instance.region,
      ssoSessionName: instance.ssoSessionName,
      // Read at `now`: an owner's snapshot may be older than its session's expiry.
      status: sessionStatusAt(session, now),
      signedIn: isSignedIn(session, now),
      ...(session.expiresAt !== undefined
        ? { expiresAt: new Date(session.expiresAt).toISOString(), expiresInSeconds: seconds(session.expiresAt - now) }
        : {}),
      ...(session.refreshable !== undefined ? { refreshable: session.refreshable } : {}),
      ...(session.source ? { source: session.source } : {}),
      ...(session.error ? { error: session.error } : {}),
      directory: {
        ...(sync.syncedAt !== undefined
          ? { syncedAt: new Date(sync.syncedAt).toISOString(), ageSeconds: seconds(now - sync.syncedAt) }
          : {}),
        stale: sync.stale,
        accounts: sync.accountCount,
        roles: sync.roleCount,
        failedAccounts: sync.failedAccounts,
      },
    };
  }),
  credentials: snapshot.activeCredentials.map((held) => ({
    instanceId: held.role.instanceId,
    accountId: held.role.accountId,
    ...(held.accountName ? { accountName: held.accountName } : {}),
    roleName: held.role.roleName,
    expiresAt: new Date(held.expiresAt).toISOString(),
    expiresInSeconds: seconds(held.expiresAt - now),
  })),
});

/** Whole seconds as the one countdown text the tray and the window show ("2h 5m", "4m", "12s"). */
const countdown = (totalSeconds: number): string => formatRemaining(Math.max(1, totalSeconds) * 1000);

const STATUS_WORDS: Readonly<Record<InstanceView['session']['status'], string>> = {
  'signed-out': 'signed out',
  'signing-in': 'signing in',
  'signed-in': 'signed in',
  reconnecting: 'signed in, reconnecting',
  expired: 'session expired',
  error: 'error',
};

export const statusText = (report: StatusReport): string[] => {
  const lines = [report.owner.running ? `Owner: running (pid ${report.owner.pid}).` : 'Owner: none running (commands work alone).'];
  if (report.instances.length === 0) lines.push('No instance configured; run `rolecall login --start-url URL --region REGION`.');
  for (const instance of report.instances) {
    lines.push('', `${terminalSafe(instance.label)} (${instance.id}) ${terminalSafe(instance.startUrl)} ${instance.region}`);
    const session = [STATUS_WORDS[instance.status]];
    if (instance.signedIn && instance.expiresInSeconds !== undefined)
      session.push(`expires in ${countdown(instance.expiresInSeconds)}${instance.refreshable ? ' (refreshable)' : ''}`);
    if (instance.source) session.push(`token from ${instance.source === 'aws-cli-cache' ? 'the AWS CLI cache' : 'rolecall'}`);
    lines.push(`  session:   ${session.join(', ')}${instance.error ? ` — ${terminalSafe(instance.error)}` : ''}`);
    const { directory } = instance;
    lines.push(
      directory.ageSeconds === undefined
        ? '  directory: never synced'
        : `  directory: ${directory.accounts} accounts, ${directory.roles} roles, synced ${countdown(directory.ageSeconds)} ago${directory.stale ? ' (stale)' : ''}${directory.failedAccounts ? `, ${directory.failedAccounts} failed` : ''}`,
    );
    for (const held of report.credentials.filter((c) => c.instanceId === instance.id)) {
      lines.push(
        `  credentials: ${terminalSafe(held.accountName ?? held.accountId)} / ${terminalSafe(held.roleName)}, ${countdown(held.expiresInSeconds)} left`,
      );
    }
  }
  return lines;
};

/** `rolecall status [--json]`: every instance's session, directory and held credentials, and the owner; from the snapshot, no AWS call. */
export const status = async (raw: unknown, output: CliOutput): Promise<void> => {
  const options = parseOptions(statusSchema, raw);
  const { core, ownerPid } = await openCliCore();
  try {
    const report = statusReport(core.snapshot(), ownerPid, Date.now());
    output.out(options.json ? JSON.stringify(report, null, 2) : statusText(report).join('\n'));
  } finally {
    await core.stop();
  }
};
