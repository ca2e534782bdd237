import { connectToOwner } from '../../app/agent/agent-client';
import type { OwnerClient } from '../../app/agent/agent-client';
import { RolecallError, isRolecallError, needsSignInAgain } from '../../app/model/errors';
import type { Instance } from '../../app/model/instances';
import type { Directory, RoleRef } from '../../app/model/roles';
import { isSignedIn } from '../../app/model/session-status';
import type { RoleCredentials } from '../../app/model/tokens';

/** The instance and role a call asks for, chosen from the owner's instances. */
export interface OwnerTarget {
  readonly instance: Instance;
  /** The role, when the cached directory already resolved it. */
  readonly ref: RoleRef | undefined;
  /** Resolves the role from the owner's directory when `ref` is not known yet. */
  readonly resolve: (directory: Directory | undefined) => RoleRef | undefined;
  /** `rolecall login` or `rolecall login --instance X`, for the one stderr line. */
  readonly loginHint: string;
}

export interface OwnerCredentialsRequest {
  readonly configDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Picks the instance and role from the owner's settings (it holds them in memory and sends
   * them on connect), so a call the owner answers never reads or parses settings.json itself.
   */
  readonly target: (instances: readonly Instance[]) => Promise<OwnerTarget>;
  readonly account: string;
  /** --wait SECONDS: wait this long for the one sign-in instead of failing. */
  readonly waitSeconds?: number;
}

export interface OwnerCredentials {
  readonly instance: Instance;
  readonly ref: RoleRef | undefined;
  readonly credentials: RoleCredentials;
}

/** Resolves once the owner's snapshot shows the instance signed in; false after `ms`. */
const signedIn = (owner: OwnerClient, instanceId: string, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const isSignedInNow = () => {
      const session = owner.snapshot()?.instances.find((instance) => instance.id === instanceId)?.session;
      return session !== undefined && isSignedIn(session, Date.now());
    };
    const done = (value: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    const timer = setTimeout(() => done(false), ms);
    const unsubscribe = owner.subscribe((event) => {
      if (event.channel === 'state:changed' && isSignedInNow()) done(true);
    });
  });

/**
 * `credential-process` through the session owner: its credentials for the role, or
 * undefined when no owner answers or it died mid-request (the caller then works alone).
 * Never starts a sign-in: without a valid session it fails fast with one sentence — the
 * owner raises one "Sign in to continue" notification for all such callers — or, with
 * --wait, waits (bounded) for that one sign-in.
 */
export const credentialsFromOwner = async (request: OwnerCredentialsRequest): Promise<OwnerCredentials | undefined> => {
  // Settings only on connect: the snapshot is wanted only by --wait, which subscribes for it.
  const owner = await connectToOwner(request.configDir, { env: request.env, timeoutMs: 1000, withSnapshot: false });
  if (!owner) return undefined;
  try {
    const target = await request.target(owner.instances());
    const { instance, loginHint } = target;
    const ref = target.ref ?? target.resolve(await owner.directory(instance.id));
    if (!ref)
      throw new RolecallError('not-found', `No account "${request.account}" is assigned to you; run \`rolecall ls\` to see your accounts.`);
    try {
      return { instance, ref: target.ref, credentials: await owner.credentials(ref) };
    } catch (error) {
      if (!needsSignInAgain(error)) throw error;
      const waitMs = (request.waitSeconds ?? 0) * 1000;
      if (waitMs > 0 && (await signedIn(owner, instance.id, waitMs)))
        return { instance, ref: target.ref, credentials: await owner.credentials(ref) };
      throw new RolecallError(
        'signed-out',
        waitMs > 0
          ? `No sign-in to ${instance.label} within ${request.waitSeconds} s; run \`${loginHint}\` (or sign in from the Rolecall app) and try again.`
          : `You are not signed in to ${instance.label}; run \`${loginHint}\` (or sign in from the Rolecall app) and try again.`,
        { cause: error },
      );
    }
  } catch (error) {
    if (isRolecallError(error) && error.code === 'owner-gone') return undefined;
    throw error;
  } finally {
    await owner.stop();
  }
};
