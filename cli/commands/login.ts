import { z } from 'zod';
import { RolecallError } from '../../app/model/errors';
import { newInstanceSchema, normalizeStartUrl } from '../../app/model/instances';
import { selectInstance } from '../../app/session/instance-registry';
import type { RolecallController } from '../../app/session/controller';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { canOpenBrowser } from '../../app/node/system-browser';
import { invalidOptions } from '../../app/node/command-options';
import { offerImport } from './import';

/** Said next to every device code: a code someone else started is how device-code phishing works. */
export const DEVICE_CODE_WARNING = 'Approve it only if you just ran this command yourself; never for a code someone sent you.';

/**
 * The flow, as the AWS CLI 2.22+ chooses it: authorization code with PKCE where a browser
 * opens on this machine (its loopback redirect lands here), the device code over SSH, in WSL
 * without a browser, with --no-browser or --device-code.
 */
export const chooseFlow = (options: { pkce: boolean; deviceCode: boolean }, browser: boolean): 'pkce' | 'device' => {
  if (options.pkce && options.deviceCode) throw new RolecallError('invalid-input', 'Choose one of --pkce and --device-code.');
  if (options.deviceCode) return 'device';
  return options.pkce || browser ? 'pkce' : 'device';
};

export const loginOptionsSchema = z.object({
  startUrl: z.string().optional(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  instance: z.string().optional(),
  label: z.string().optional(),
  ssoSession: z.string().optional(),
  browser: z.boolean().default(true),
  pkce: z.boolean().default(false),
  deviceCode: z.boolean().default(false),
});
export type LoginOptions = z.input<typeof loginOptionsSchema>;

/** Finds the instance the options name, adding it when a new start URL is given. */
const chooseInstance = async (core: RolecallController, options: z.output<typeof loginOptionsSchema>): Promise<string> => {
  if (!options.startUrl && !options.region && !options.endpoint) return selectInstance(core.instances(), options.instance).id;
  if (!options.startUrl || !options.region) {
    throw new RolecallError(
      'invalid-input',
      'Give both --start-url and --region (for example --start-url https://d-1234567890.awsapps.com/start --region us-east-1).',
    );
  }
  const parsed = newInstanceSchema.safeParse({
    startUrl: options.startUrl,
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.label ? { label: options.label } : {}),
    ...(options.ssoSession ? { ssoSessionName: options.ssoSession } : {}),
  });
  if (!parsed.success) throw invalidOptions(parsed.error);
  const startUrl = normalizeStartUrl(parsed.data.startUrl);
  const existing = core.instances().find((instance) => instance.startUrl === startUrl && instance.region === parsed.data.region);
  if (existing) return existing.id;
  return (await core.api['instance:add'](parsed.data)).instanceId;
};

/**
 * `rolecall login`: PKCE where a browser opens here, else the device flow for one instance, printing the code to confirm.
 * With a session owner running, the owner signs in (so every process shares that one
 * session) and this shows the owner's code and waits for it.
 */
export const login = async (raw: LoginOptions, output: CliOutput): Promise<void> => {
  const options = loginOptionsSchema.parse(raw);
  const browser = options.browser && canOpenBrowser();
  const flow = chooseFlow(options, browser);
  const { core, ownerPid } = await openCliCore(process.env, { browser });
  const waiting =
    ownerPid !== undefined ? `The Rolecall owner (pid ${ownerPid}) runs this sign-in. Waiting for approval; Ctrl+C cancels.` : undefined;
  try {
    // A first start at a terminal: offer what ~/.aws/config already has instead of asking for it.
    const imported = !options.startUrl && !options.instance ? await offerImport(core, output) : undefined;
    if (imported && imported.imported.length > 0 && imported.imported.every((added) => added.signedIn)) return;
    const instanceId = imported?.imported.find((added) => !added.signedIn)?.instanceId ?? (await chooseInstance(core, options));
    let shownCode = false;
    const unsubscribe = core.subscribe((event) => {
      if (event.channel !== 'state:changed' || shownCode) return;
      const signIn = event.payload.instances.find((instance) => instance.id === instanceId)?.session.signIn;
      if (signIn?.flow === 'device' && signIn.userCode && signIn.verificationUri) {
        shownCode = true;
        output.err(`To sign in, open ${signIn.verificationUriComplete ?? signIn.verificationUri}`);
        output.err(`and check that it shows the code: ${signIn.userCode}`);
        output.err(DEVICE_CODE_WARNING);
        output.err(
          waiting
            ? `(${waiting})`
            : browser
              ? '(Opened in your browser. Waiting for approval; Ctrl+C cancels.)'
              : '(No browser here: open the link on any device. Waiting for approval; Ctrl+C cancels.)',
        );
      } else if (signIn?.flow === 'pkce' && signIn.verificationUri) {
        shownCode = true;
        output.err(`To sign in, approve the request in your browser: ${signIn.verificationUri}`);
      }
    });
    const cancel = () => void core.api['session:cancel-sign-in']({ instanceId });
    process.once('SIGINT', cancel);
    try {
      await core.signIn(instanceId, flow);
    } finally {
      process.off('SIGINT', cancel);
      unsubscribe();
    }
    const view = core.snapshot().instances.find((instance) => instance.id === instanceId);
    const until = view?.session.expiresAt ? new Date(view.session.expiresAt).toLocaleString() : 'unknown';
    output.err(
      `Signed in to ${view?.label ?? instanceId}; the session lasts until ${until}${view?.session.refreshable ? ' and refreshes itself' : ''}.`,
    );
  } finally {
    await core.stop();
  }
};
