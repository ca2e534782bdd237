import type { Directory } from '../model/roles';
import type { Instance } from '../model/instances';
import type { SignInView, SyncView } from '../model/snapshot';
import type { SsoToken } from '../model/tokens';

/**
 * The controller's mutable, in-memory picture of one instance. Secrets (the token) live
 * here and in the SecretStore only; snapshots are derived from this and redacted.
 */
export interface InstanceRuntime {
  instance: Instance;
  token?: SsoToken;
  tokenSource?: 'rolecall' | 'aws-cli-cache';
  signIn?: { readonly abort: AbortController; view: SignInView; readonly done: Promise<void> };
  /** The last sign-in or session failure, one sentence. */
  sessionError?: string;
  /** A refresh failed for a reason worth retrying (5xx, network): the sign-in is kept; one sentence. */
  retrying?: string;
  /** Set once the token was found expired or revoked; cleared by a new sign-in. */
  expired?: boolean;
  warnedFor?: number;
  directory?: Directory;
  sync: { status: SyncView['status']; done: number; total?: number; error?: string };
  syncAbort?: AbortController;
  syncing?: Promise<Directory>;
  refreshing?: Promise<SsoToken>;
}

export const newRuntime = (instance: Instance): InstanceRuntime => ({ instance, sync: { status: 'idle', done: 0 } });
