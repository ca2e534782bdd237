import { preferencesSchema } from '../settings';
import type { Preferences } from '../settings';
import type { AppSnapshot, InstanceView, SessionView } from '../snapshot';

/** A snapshot for tests: no instances, default preferences, nothing held. */
export const emptySnapshot = (overrides: Partial<AppSnapshot> = {}): AppSnapshot => ({
  instances: [],
  preferences: preferencesSchema.parse({}),
  favorites: [],
  recents: [],
  keepFresh: [],
  aliases: {},
  activeCredentials: [],
  secretStorage: { mode: 'encrypted' },
  notices: [],
  ...overrides,
});

export const preferences = (overrides: Partial<Preferences> = {}): Preferences => ({ ...preferencesSchema.parse({}), ...overrides });

/** One instance with the given session (signed out by default). */
export const instanceView = (id: string, session: SessionView = { status: 'signed-out' }, label = id): InstanceView => ({
  id,
  label,
  startUrl: `https://${id}.awsapps.com/start`,
  region: 'us-east-1',
  ssoSessionName: id,
  session,
  sync: { status: 'idle', done: 0, stale: false, accountCount: 0, roleCount: 0, failedAccounts: 0 },
});
