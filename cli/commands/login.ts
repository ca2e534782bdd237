import { z } from 'zod';
import { RolecallError } from '../../app/model/errors';
import { newInstanceSchema, normalizeStartUrl } from '../../app/model/instances';
import { selectInstance } from '../../app/session/instance-registry';
import type { RolecallController } from '../../app/session/controller';
import { openCliCore } from '../../app/node/open-core';
import type { CliOutput } from '../../app/node/terminal-output';
import { canOpenBrowser } from '../../app/node/system-browser';
import { invalidOptions } from '../../app/node/command-options';

export const loginOptionsSchema = z.object({
  startUrl: z.string().optional(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  instance: z.string().optional(),
  label: z.string().optional(),
  ssoSession: z.string().optional(),
  browser: z.boolean().default(true),
  pkce: z.boolean().default(false),
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
 * `rolecall login`: the device flow (or PKCE) for one instance, printing the code to confirm.
 * With a session owner running, the owner signs in (so every process shares that one
 * session) and this shows the owner's code and waits for it.
 */
export const login = async (raw: LoginOptions, output: CliOutput): Promise<void> => {
  const options = loginOptionsSchema.parse(raw);
  const browser = options.browser && canOpenBrowser();
  const { core, ownerPid } = await openCliCore(process.env, { browser });
  const waiting =
    ownerPid !== undefined ? `The Rolecall owner (pid ${ownerPid}) runs this sign-in. Waiting for approval; Ctrl+C cancels.` : undefined;
  try {
    const instanceId = await chooseInstance(core, options);
    let shownCode = false;
    const unsubscribe = core.subscribe((event) => {
      if (event.channel !== 'state:changed' || shownCode) return;
      const signIn = event.payload.instances.find((instance) => instance.id === instanceId)?.session.signIn;
      if (signIn?.flow === 'device' && signIn.userCode && signIn.verificationUri) {
        shownCode = true;
        output.err(`To sign in, open ${signIn.verificationUriComplete ?? signIn.verificationUri}`);
        output.err(`and check that it shows the code: ${signIn.userCode}`);
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
      await core.signIn(instanceId, options.pkce ? 'pkce' : 'device');
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
