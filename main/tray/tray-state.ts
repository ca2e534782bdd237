import { sameRole } from '../../app/model/roles';
import { sessionStatusAt, signedInUntil } from '../../app/model/session-status';
import type { AppSnapshot } from '../../app/model/snapshot';
import { formatUntil } from '../../app/model/countdown';

/** The tray's named states; each has its own icon, tooltip and menu emphasis. */
export const trayStates = ['signed-out', 'awaiting-code', 'signed-in', 'expiring', 'error'] as const;
export type TrayState = (typeof trayStates)[number];

export interface TrayStatus {
  readonly state: TrayState;
  readonly tooltip: string;
  /** The nearest expiry of a session or held credential (epoch ms), for the macOS title. */
  readonly nearestExpiry?: number;
}

const minOf = (values: readonly (number | undefined)[]): number | undefined => {
  const defined = values.filter((value): value is number => value !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
};

/**
 * Derives the tray state from the core's snapshot. Order matters: a code waiting to be
 * typed is the one thing the user must act on now, then a failure, then an approaching end.
 * "Expiring" means a session, or a credential the user asked to keep fresh (a role's or a
 * chained role's), ends within the notification lead time.
 */
export const deriveTrayStatus = (snapshot: AppSnapshot, now: number): TrayStatus => {
  const leadMs = snapshot.preferences.notificationLeadMinutes * 60_000;
  const sessionExpiries = snapshot.instances.map((instance) => signedInUntil(instance.session, now));
  const liveCredentials = snapshot.activeCredentials.filter((credential) => credential.expiresAt > now);
  const nearestExpiry = minOf([...sessionExpiries, ...liveCredentials.map((credential) => credential.expiresAt)]);
  const withExpiry = (status: Omit<TrayStatus, 'nearestExpiry'>): TrayStatus =>
    nearestExpiry === undefined ? status : { ...status, nearestExpiry };

  const awaiting = snapshot.instances.find((instance) => instance.session.status === 'signing-in');
  if (awaiting) {
    const code = awaiting.session.signIn?.userCode;
    return withExpiry({
      state: 'awaiting-code',
      tooltip: code ? `Rolecall — confirm code ${code} in your browser` : `Rolecall — signing in to ${awaiting.label}…`,
    });
  }

  const failed = snapshot.instances.find((instance) => instance.session.status === 'error');
  if (failed) {
    return withExpiry({ state: 'error', tooltip: `Rolecall — ${failed.label}: ${failed.session.error ?? 'sign-in failed'}` });
  }

  const nearestSession = minOf(sessionExpiries);
  if (nearestSession === undefined) {
    const expired = snapshot.instances.some((instance) => sessionStatusAt(instance.session, now) === 'expired');
    return withExpiry({ state: 'signed-out', tooltip: expired ? 'Rolecall — session ended; sign in again' : 'Rolecall — signed out' });
  }

  // A chained role's credentials are kept fresh by its saved name; its ref is only the role it assumed.
  const keptFresh = liveCredentials.filter((credential) =>
    credential.chainedRole !== undefined
      ? (snapshot.chainedKeepFresh ?? []).includes(credential.chainedRole)
      : snapshot.keepFresh.some((role) => sameRole(role, credential.role)),
  );
  const nearestWatched = minOf([nearestSession, ...keptFresh.map((credential) => credential.expiresAt)]) ?? nearestSession;
  if (nearestWatched - now <= leadMs) {
    const what = nearestWatched === nearestSession ? 'session ends' : 'credentials expire';
    return withExpiry({ state: 'expiring', tooltip: `Rolecall — ${what} in ${formatUntil(nearestWatched, now)}` });
  }
  return withExpiry({ state: 'signed-in', tooltip: `Rolecall — signed in · ${formatUntil(nearestSession, now)}` });
};

/** The macOS tray title: the nearest expiry as a short countdown, or nothing. */
export const trayTitle = (status: TrayStatus, now: number): string =>
  status.nearestExpiry === undefined ? '' : formatUntil(status.nearestExpiry, now);
