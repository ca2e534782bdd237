import { AuthorizationCodes } from './authorization-codes';
import { ClientRegistry } from './clients';
import { CredentialStore } from './credential-store';
import { DeviceCodes } from './device-codes';
import type { Directory, DirectoryAccount } from './directory-seed';
import { FaultInjector } from './faults';
import type { FaultConfig } from './options';
import type { EmulatorSettings } from './settings';
import { TokenStore } from './token-store';

/** Everything one running emulator knows, shared by its route modules. */
export interface EmulatorContext {
  readonly settings: EmulatorSettings;
  /** The base URL, known once the server listens. */
  readonly baseUrl: () => string;
  readonly now: () => number;
  readonly directory: Directory;
  readonly account: (accountId: string) => DirectoryAccount | undefined;
  readonly clients: ClientRegistry;
  readonly deviceCodes: DeviceCodes;
  readonly authorizationCodes: AuthorizationCodes;
  readonly tokens: TokenStore;
  readonly credentials: CredentialStore;
  readonly faults: FaultInjector;
}

/** Wires the stores together with one clock. */
export const createContext = (input: {
  readonly settings: EmulatorSettings;
  readonly directory: Directory;
  readonly faults: FaultConfig;
  readonly now: () => number;
  readonly baseUrl: () => string;
}): EmulatorContext => {
  const { settings, now } = input;
  const byId = new Map(input.directory.map((a) => [a.accountId, a]));
  const clients = new ClientRegistry(now, settings.registrationTtlSeconds);
  return {
    settings,
    baseUrl: input.baseUrl,
    now,
    directory: input.directory,
    account: (accountId) => byId.get(accountId),
    clients,
    deviceCodes: new DeviceCodes(now, {
      ttlSeconds: settings.deviceCodeTtlSeconds,
      intervalSeconds: settings.deviceCodeIntervalSeconds,
      autoApprove: settings.autoApprove,
    }),
    authorizationCodes: new AuthorizationCodes(now, clients),
    tokens: new TokenStore(now, {
      accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: settings.refreshTokenTtlSeconds,
      issueRefreshTokens: settings.issueRefreshTokens,
    }),
    credentials: new CredentialStore(now, settings.roleCredentialsTtlSeconds),
    faults: new FaultInjector(input.faults),
  };
};

/** Ends every sign-in session, pending code and console session (issued keys stay known). */
export const revokeEverything = (ctx: EmulatorContext): void => {
  ctx.tokens.revokeAll();
  ctx.deviceCodes.revokeAll();
  ctx.authorizationCodes.revokeAll();
  ctx.credentials.revokeSessions();
};
