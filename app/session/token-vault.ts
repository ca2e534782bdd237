import * as z from '../model/zod-mini';
import { readSsoCache, removeSsoCache, writeSsoCache } from '../aws-cli-cache/sso-cache';
import type { Instance } from '../model/instances';
import { isNewerToken } from '../model/tokens';
import type { SsoToken } from '../model/tokens';
import type { SecretStore } from '../ports/secret-store';

const tokenSchema = z.object({
  startUrl: z.string(),
  region: z.string(),
  accessToken: z.string().check(z.minLength(1)),
  expiresAt: z.number(),
  refreshToken: z.optional(z.string()),
  clientId: z.optional(z.string()),
  clientSecret: z.optional(z.string()),
  registrationExpiresAt: z.optional(z.number()),
});

export interface LoadedToken {
  readonly token: SsoToken;
  readonly source: 'rolecall' | 'aws-cli-cache';
}

type Env = Readonly<Record<string, string | undefined>>;

const secretKey = (instance: Instance): string => `token/${instance.id}`;

/**
 * Keeps each instance's SSO token: in the SecretStore always, and — when AWS CLI interop is
 * on — mirrored to the shared `~/.aws/sso/cache` so `aws` and every SDK use the same
 * sign-in. On load, whichever copy lives longer wins (the AWS CLI may have refreshed it).
 */
export class TokenVault {
  constructor(
    private readonly secrets: SecretStore,
    private readonly env: Env,
  ) {}

  async load(instance: Instance, interop: boolean): Promise<LoadedToken | undefined> {
    const own = await this.loadOwn(instance);
    const shared = interop ? await this.loadShared(instance) : undefined;
    if (own && shared)
      return shared.expiresAt > own.expiresAt ? { token: shared, source: 'aws-cli-cache' } : { token: own, source: 'rolecall' };
    if (own) return { token: own, source: 'rolecall' };
    if (shared) return { token: shared, source: 'aws-cli-cache' };
    return undefined;
  }

  /**
   * Saves the token; callers hold the instance's token lock. The shared AWS CLI file is not
   * overwritten when it already holds a newer token (`aws sso login` or botocore's own
   * refresh wrote it meanwhile, outside our lock): that one is adopted on the next load.
   */
  async save(instance: Instance, token: SsoToken, interop: boolean): Promise<void> {
    await this.secrets.set(secretKey(instance), JSON.stringify(token));
    if (!interop) return;
    const shared = await this.loadShared(instance);
    if (shared && isNewerToken(shared, token)) return;
    await writeSsoCache({ env: this.env, sessionName: instance.ssoSessionName, token });
  }

  /** Forgets the token here and removes the shared cache entry Rolecall wrote for it. */
  async remove(instance: Instance, interop: boolean): Promise<void> {
    await this.secrets.delete(secretKey(instance));
    if (interop) await removeSsoCache({ env: this.env, sessionName: instance.ssoSessionName, startUrl: instance.startUrl });
  }

  private async loadOwn(instance: Instance): Promise<SsoToken | undefined> {
    const raw = await this.secrets.get(secretKey(instance));
    if (!raw) return undefined;
    try {
      const parsed = tokenSchema.safeParse(JSON.parse(raw));
      return parsed.success && parsed.data.startUrl === instance.startUrl ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private async loadShared(instance: Instance): Promise<SsoToken | undefined> {
    try {
      const found = await readSsoCache({
        env: this.env,
        sessionName: instance.ssoSessionName,
        startUrl: instance.startUrl,
        region: instance.region,
      });
      return found.status === 'ok' ? found.token : undefined;
    } catch {
      // A corrupt or foreign AWS CLI cache file is not ours to fix; sign-in still works.
      return undefined;
    }
  }
}
