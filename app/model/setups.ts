/**
 * Identity Center set-ups found in the user's AWS CLI config (`[sso-session]` sections and
 * legacy `sso_start_url` profiles), as `rolecall import` and the views show them. Nothing
 * here is secret: a cached token is described by its state and expiry only.
 */

/** One set-up Rolecall can add as an instance. */
export interface FoundSetup {
  /** The instance's label and sso-session name: the `[sso-session NAME]`, or the portal's name for a legacy profile. */
  readonly name: string;
  readonly startUrl: string;
  readonly region: string;
  /** Where it was found. */
  readonly from: 'sso-session' | 'legacy-profile';
  /** The `[sso-session]` section or the first legacy profile it was read from. */
  readonly section: string;
  /** Profiles that sign in through it. */
  readonly profiles: readonly string[];
  /** The AWS CLI's cached sign-in for it: 'valid' is used instead of a new sign-in. */
  readonly cachedToken: 'valid' | 'expired' | 'none';
  /** Epoch ms the cached token expires at, when there is one. */
  readonly cachedTokenExpiresAt?: number;
  /** The label of the Rolecall instance that already has this start URL and region (then it is not imported again). */
  readonly configuredAs?: string;
}

/** A section that names an Identity Center set-up Rolecall cannot use, and why (one sentence). */
export interface SkippedSetup {
  readonly section: string;
  readonly reason: string;
}

export interface SetupDiscovery {
  /** The config file read (AWS_CONFIG_FILE or ~/.aws/config). */
  readonly path: string;
  readonly exists: boolean;
  readonly setups: readonly FoundSetup[];
  readonly skipped: readonly SkippedSetup[];
}

export interface SetupImportResult {
  readonly imported: readonly { readonly instanceId: string; readonly label: string; readonly signedIn: boolean }[];
  /** Set-ups asked for that were not added (already configured, unknown name). */
  readonly skipped: readonly SkippedSetup[];
}

/** One sentence for a person about an import's outcome. */
export const importMessage = (result: SetupImportResult): string => {
  const added = result.imported.length;
  if (added === 0) return result.skipped[0]?.reason ?? 'Nothing new to import.';
  const signedIn = result.imported.filter((entry) => entry.signedIn).length;
  const names = result.imported.map((entry) => entry.label).join(', ');
  const state =
    signedIn === added
      ? ', signed in with your AWS CLI sign-in'
      : signedIn > 0
        ? `; ${signedIn} already signed in, sign in to the rest`
        : '; sign in to use them';
  return `Imported ${names}${state}.`;
};
