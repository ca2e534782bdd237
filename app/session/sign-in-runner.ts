import { runDeviceFlow } from '../identity-center/device-flow';
import type { DeviceFlowState } from '../identity-center/device-flow';
import { toRolecallError } from '../identity-center/error-mapping';
import { runPkceFlow } from '../identity-center/pkce-flow';
import type { SignInView } from '../model/snapshot';
import type { CoreState } from './core-state';
import type { InstanceClients } from './instance-clients';
import type { InstanceRuntime } from './runtime';
import type { SessionTokens } from './session-tokens';
import type { Shutdown } from './shutdown';
import { endSigningIn, startSigningIn, updateSignInView } from './session-state';

/** Adapts the device flow's waiting states to what views show; terminal states keep the last view. */
export const signInViewOf = (state: DeviceFlowState, previous: SignInView): SignInView => {
  if (state.kind === 'registering') return { flow: 'device', stage: 'registering' };
  if (state.kind !== 'awaiting-user' && state.kind !== 'polling') return previous;
  return {
    flow: 'device',
    stage: state.kind,
    userCode: state.userCode,
    verificationUri: state.verificationUri,
    ...(state.verificationUriComplete ? { verificationUriComplete: state.verificationUriComplete } : {}),
    expiresAt: state.expiresAt,
  };
};

/**
 * Runs one sign-in per instance at a time (device code or PKCE), publishing its progress in
 * the snapshot: the user code and verification link stay visible until it ends.
 */
export class SignInRunner {
  constructor(
    private readonly state: CoreState,
    private readonly clients: InstanceClients,
    private readonly tokens: SessionTokens,
    /** Ends every sign-in at stop(), and waits for it. */
    private readonly shutdown: Shutdown,
    private readonly options: {
      /** Open the verification page in the browser as soon as there is a code. */
      readonly openVerification: boolean;
      /** Called after a successful sign-in (the background sync). */
      readonly onSignedIn: (runtime: InstanceRuntime) => void;
    },
  ) {}

  /** Opens a URL in the user's browser; a failure becomes a notice with the URL to open by hand. */
  openUrl(url: string | undefined): void {
    if (!url || this.shutdown.stopped) return;
    this.state.ports.opener
      .openExternal(url)
      .catch(() => this.state.notice('warning', `Could not open the browser; open ${url} yourself.`));
  }

  /** Starts a sign-in (or joins the one under way); resolves when signed in, rejects with why not. */
  start(runtime: InstanceRuntime, flow: 'device' | 'pkce'): Promise<void> {
    if (runtime.signIn) return runtime.signIn.done;
    if (this.shutdown.stopped) return Promise.reject(this.shutdown.error());
    const abort = new AbortController();
    const view: SignInView = { flow, stage: 'registering' };
    // Tracked past the end of the sign-in itself: storing the token and starting the sync are part of it.
    const done = this.shutdown.track(
      this.run(runtime, flow, this.shutdown.linked(abort.signal)),
      `the sign-in to ${runtime.instance.label}`,
    );
    startSigningIn(runtime, { abort, view, done });
    this.state.changed();
    // The view learns the outcome from snapshots; the awaiting caller (CLI) from the promise.
    done.catch(() => undefined);
    return done;
  }

  private async run(runtime: InstanceRuntime, flow: 'device' | 'pkce', signal: AbortSignal): Promise<void> {
    const { instance } = runtime;
    const { ports } = this.state;
    const common = { oidc: this.clients.of(instance).oidc, instance, secrets: ports.secrets, clock: ports.clock, signal };
    try {
      const token =
        flow === 'device'
          ? await runDeviceFlow({
              ...common,
              onState: (state) => {
                if (!runtime.signIn) return;
                const next = signInViewOf(state, runtime.signIn.view);
                const firstCode = next.userCode && !runtime.signIn.view.userCode;
                updateSignInView(runtime, next);
                this.state.changed();
                if (firstCode && this.options.openVerification) this.openUrl(next.verificationUriComplete ?? next.verificationUri);
              },
            })
          : await runPkceFlow({
              ...common,
              open: async (url: string) => {
                updateSignInView(runtime, { flow: 'pkce', stage: 'awaiting-user', verificationUri: url });
                this.state.changed();
                // The view shows the link too, so a browser that cannot be opened is not fatal.
                if (this.options.openVerification) this.openUrl(url);
              },
            });
      // A token that arrived as stop() began is still kept (stop() waits for that); once
      // stop() has returned, a flow that could not be interrupted keeps nothing.
      this.shutdown.throwIfClosed();
      endSigningIn(runtime, { outcome: 'signed-in' });
      await this.tokens.storeSignedIn(runtime, token);
      this.state.notify({
        title: 'Signed in',
        body: `Signed in to ${instance.label}; your session lasts until ${new Date(token.expiresAt).toLocaleTimeString()}.`,
      });
      if (!this.shutdown.stopped) this.options.onSignedIn(runtime);
    } catch (error) {
      const mapped = toRolecallError(error, 'sign in');
      endSigningIn(
        runtime,
        mapped.code === 'sign-in-cancelled' ? { outcome: 'cancelled' } : { outcome: 'failed', error: mapped.userMessage },
      );
      this.state.changed();
      throw mapped;
    }
  }
}
