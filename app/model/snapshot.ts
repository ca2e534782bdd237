import type { CopyFormat, Preferences, SavedChainedRole } from './settings';
import type { RoleRef } from './roles';

/** Describes how secrets are kept, so the UI can say it in one sentence. */
export interface SecretStorageStatus {
  readonly mode: 'encrypted' | 'private-file' | 'memory-only';
  /** Set when secrets are not persisted, e.g. a locked or plaintext-only Linux keyring. */
  readonly message?: string;
}

/**
 * The redacted state every view renders (renderer, tray, web page). It never holds a token,
 * a client secret or a secret key: it is safe to send over IPC and to log.
 */
export interface AppSnapshot {
  readonly instances: readonly InstanceView[];
  readonly preferences: Preferences;
  readonly favorites: readonly RoleRef[];
  readonly recents: readonly RoleRef[];
  readonly keepFresh: readonly RoleRef[];
  /** The user's own account names, keyed by `<instanceId>/<accountId>`. */
  readonly aliases: Readonly<Record<string, string>>;
  /** The user's saved chained roles (no secrets: role ARNs, names, external ids). Absent: none. */
  readonly chainedRoles?: readonly SavedChainedRole[];
  /** Names of pinned saved chained roles, and of recently used ones (most recent first). Absent: none. */
  readonly chainedFavorites?: readonly string[];
  readonly chainedRecents?: readonly string[];
  /** Names of saved chained roles kept fresh (assumed again before they expire). Absent: none. */
  readonly chainedKeepFresh?: readonly string[];
  /** Role credentials held in memory right now, nearest expiry first. */
  readonly activeCredentials: readonly ActiveCredentialView[];
  readonly secretStorage: SecretStorageStatus;
  /** Short-lived messages for the UI (a role dropped, a refresh failed); newest first. */
  readonly notices: readonly Notice[];
}

/** 'reconnecting': the access token expired and renewing it failed for a reason worth retrying; the sign-in is kept. */
export type SessionStatus = 'signed-out' | 'signing-in' | 'signed-in' | 'reconnecting' | 'expired' | 'error';

export interface InstanceView {
  readonly id: string;
  readonly label: string;
  readonly startUrl: string;
  readonly region: string;
  readonly ssoSessionName: string;
  readonly session: SessionView;
  readonly sync: SyncView;
}

export interface SessionView {
  readonly status: SessionStatus;
  /** Epoch ms at which the access token expires (signed-in). */
  readonly expiresAt?: number;
  /** Whether a refresh token lets Rolecall extend the session without the browser. */
  readonly refreshable?: boolean;
  /** Where the token came from: our own sign-in or an `aws sso login` found in the shared cache. */
  readonly source?: 'rolecall' | 'aws-cli-cache';
  /** While signing in with the device flow: what the user must see and type. */
  readonly signIn?: SignInView;
  /** One sentence, when status is error (or the last sign-in failed). */
  readonly error?: string;
}

export interface SignInView {
  readonly flow: 'device' | 'pkce';
  readonly stage: 'registering' | 'awaiting-user' | 'polling';
  readonly userCode?: string;
  readonly verificationUri?: string;
  readonly verificationUriComplete?: string;
  /** Epoch ms at which the device code expires. */
  readonly expiresAt?: number;
}

export interface SyncView {
  readonly status: 'idle' | 'syncing' | 'error';
  /** Accounts whose roles are listed so far, and how many there are (once known). */
  readonly done: number;
  readonly total?: number;
  /** Epoch ms of the last successful sync (or of the cache painted at start). */
  readonly syncedAt?: number;
  /** The directory shown comes from the disk cache and is older than a day. */
  readonly stale: boolean;
  readonly accountCount: number;
  readonly roleCount: number;
  readonly failedAccounts: number;
  readonly error?: string;
}

export interface ActiveCredentialView {
  /** For a chained role: the role it assumed (its ARN's account and name), see chainedRole. */
  readonly role: RoleRef;
  /** Set for a saved chained role's credentials: its name (what copy and console requests take). */
  readonly chainedRole?: string;
  readonly accountName?: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface Notice {
  readonly id: string;
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly at: number;
}

/** What "copy" reports back to a view: which role and format, never the secret itself. */
export interface CopyResult {
  readonly format: CopyFormat;
  /** For a chained role: the role it assumed (its ARN's account and name). */
  readonly role: RoleRef;
  /** Set when a saved chained role was copied: its name. */
  readonly chainedRole?: string;
  readonly accountName?: string;
  readonly expiresAt: number;
  /** Seconds after which the clipboard is cleared (0 = never). */
  readonly clearsAfterSeconds: number;
}
