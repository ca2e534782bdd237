import { describe, expect, it } from 'vitest';
import type { Directory } from '../model/roles';
import { defaultSettings } from '../model/settings';
import { buildSnapshot } from './snapshot-builder';
import type { SnapshotInput } from './snapshot-builder';
import { newRuntime } from './runtime';
import type { InstanceRuntime } from './runtime';

const now = 1_800_000_000_000;

const runtimeOf = (id: string, names: readonly string[]): InstanceRuntime => {
  const runtime = newRuntime({
    id,
    label: id,
    startUrl: `https://${id}.awsapps.com/start`,
    region: 'eu-west-1',
    ssoSessionName: id,
  });
  runtime.directory = directoryOf(id, names);
  return runtime;
};

/** Accounts 000000000000, 000000000001, … named as given, one role each. */
const directoryOf = (instanceId: string, names: readonly string[]): Directory => ({
  instanceId,
  syncedAt: now - 1_000,
  failedAccounts: [],
  accounts: names.map((accountName, index) => ({
    accountId: String(index).padStart(12, '0'),
    accountName,
    emailAddress: `${index}@example.com`,
    roles: ['ReadOnly'],
  })),
});

const inputOf = (runtimes: InstanceRuntime[], active: SnapshotInput['activeCredentials']): SnapshotInput => ({
  settings: defaultSettings(),
  runtimes,
  activeCredentials: active,
  secretStorage: { mode: 'memory-only' },
  notices: [],
  now,
});

const ref = (instanceId: string, index: number) => ({ instanceId, accountId: String(index).padStart(12, '0'), roleName: 'ReadOnly' });

describe('buildSnapshot', () => {
  it('names each active credential by the account of its own instance, soonest expiry first, expired ones left out', () => {
    const runtimes = [runtimeOf('one', ['alpha', 'beta']), runtimeOf('two', ['gamma', 'delta'])];
    const snapshot = buildSnapshot(
      inputOf(runtimes, [
        { ref: ref('two', 1), expiration: now + 2_000 },
        { ref: ref('one', 1), expiration: now + 1_000, chainedRole: 'deploy' },
        { ref: ref('one', 0), expiration: now - 1 },
        { ref: ref('ghost', 0), expiration: now + 3_000 },
      ]),
    );
    expect(snapshot.activeCredentials).toEqual([
      { role: ref('one', 1), expiresAt: now + 1_000, accountName: 'beta', chainedRole: 'deploy' },
      { role: ref('two', 1), expiresAt: now + 2_000, accountName: 'delta' },
      { role: ref('ghost', 0), expiresAt: now + 3_000 },
    ]);
    expect(snapshot.instances.map((view) => [view.id, view.sync.accountCount, view.sync.roleCount])).toEqual([
      ['one', 2, 2],
      ['two', 2, 2],
    ]);
  });

  it('takes the names of a directory that replaced the one a previous snapshot read', () => {
    const runtime = runtimeOf('one', ['alpha', 'beta']);
    const active = [{ ref: ref('one', 1), expiration: now + 1_000 }];
    expect(buildSnapshot(inputOf([runtime], active)).activeCredentials[0]?.accountName).toBe('beta');
    runtime.directory = directoryOf('one', ['alpha', 'beta renamed']);
    expect(buildSnapshot(inputOf([runtime], active)).activeCredentials[0]?.accountName).toBe('beta renamed');
    runtime.directory = undefined;
    expect(buildSnapshot(inputOf([runtime], active)).activeCredentials[0]).not.toHaveProperty('accountName');
  });
});
