import { useShallow } from 'zustand/react/shallow';
import type { InstanceView } from '../../app/model/snapshot';
import { formatRemaining } from '../../app/model/countdown';
import { useActions, useRemaining, useRolecall } from '../store/hooks';
import { selectNeedsSignIn, selectSigningIn } from '../store/selectors';

const statusWords: Readonly<Record<InstanceView['session']['status'], string>> = {
  'signed-out': 'Signed out',
  'signing-in': 'Signing in',
  'signed-in': 'Signed in',
  reconnecting: 'Reconnecting…',
  expired: 'Session expired',
  error: 'Sign-in failed',
};

/** One device sign-in in progress: the code big and copyable, the link, the countdown. */
const DeviceCode = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  const signIn = instance.session.signIn;
  const remaining = useRemaining(signIn?.expiresAt);
  const link = signIn?.verificationUriComplete ?? signIn?.verificationUri;
  const waiting = !signIn?.userCode;
  return (
    <section className="card sign-in-card" aria-label={`Signing in to ${instance.label}`}>
      <header className="card-header">
        <h2>Sign in to {instance.label}</h2>
        <span className="muted">{instance.startUrl}</span>
      </header>
      {waiting ? (
        <p className="waiting">
          <span className="spinner" aria-hidden="true" /> Contacting IAM Identity Center…
        </p>
      ) : (
        <>
          <p>Confirm this code on the AWS verification page in your browser:</p>
          <p className="device-code-warning" role="note">
            Approve it only if you just asked Rolecall to sign in; never for a code someone sent you.
          </p>
          <div className="user-code-row">
            <output className="user-code mono" aria-label="User code">
              {signIn?.userCode}
            </output>
            <button type="button" onClick={() => void actions.copyText(signIn?.userCode ?? '', 'the code')}>
              Copy code
            </button>
          </div>
          {link ? (
            <p className="verification">
              <a href={link} target="_blank" rel="noopener noreferrer">
                {link}
              </a>
              <button type="button" className="link-button" onClick={() => void actions.copyText(link, 'the link')}>
                Copy link
              </button>
            </p>
          ) : null}
          <p className="muted countdown" aria-live="off">
            {remaining === undefined
              ? ''
              : remaining > 0
                ? `The code expires in ${formatRemaining(remaining)}.`
                : 'The code has expired; cancel and start again.'}
            {signIn?.stage === 'polling' ? ' Waiting for you to allow access…' : ''}
          </p>
        </>
      )}
      <div className="card-actions">
        <button type="button" onClick={() => void actions.openVerification(instance.id)} disabled={waiting}>
          Open browser again
        </button>
        <button type="button" className="ghost" onClick={() => void actions.cancelSignIn(instance.id)}>
          Cancel
        </button>
      </div>
    </section>
  );
};

/**
 * "Sign in" leaves the flow to the core: authorization code + PKCE with a loopback redirect
 * where it can open a browser (as the AWS CLI 2.22+ does), else the device code. These quiet
 * buttons ask for one flow: PKCE explicitly, or the device code (another device, a browser
 * the redirect cannot reach).
 */
export const DeviceCodeSignInButton = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  return (
    <button
      type="button"
      className="ghost"
      title="Device code: open the link on any device and confirm the code shown here"
      onClick={() => void actions.signIn(instance.id, 'device')}
    >
      Sign in with a device code
    </button>
  );
};

export const PkceSignInButton = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  return (
    <button
      type="button"
      className="ghost"
      title="Authorization code with PKCE: Rolecall opens the browser and receives the answer on 127.0.0.1, no code to type"
      onClick={() => void actions.signIn(instance.id, 'pkce')}
    >
      Sign in with browser redirect (PKCE)
    </button>
  );
};

/** An instance that needs a sign-in, with the reason in plain words when there is one. */
const SignInPrompt = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  const { status, error } = instance.session;
  return (
    <section
      className={`card prompt-card${status === 'signed-out' ? '' : ' warn'}`}
      aria-label={`${instance.label}: ${statusWords[status]}`}
    >
      <div className="prompt-text">
        <strong>{instance.label}</strong> <span className="muted">· {statusWords[status]}</span>
        {error ? (
          <p className="prompt-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="muted">
            {status === 'expired' ? 'Your Identity Center session ended.' : 'Sign in to list your accounts and roles.'}
          </p>
        )}
      </div>
      <div className="prompt-actions">
        <button type="button" className="primary" onClick={() => void actions.signIn(instance.id)}>
          Sign in
        </button>
        <PkceSignInButton instance={instance} />
        <DeviceCodeSignInButton instance={instance} />
      </div>
    </section>
  );
};

/**
 * One authorization-code (PKCE) sign-in in progress: the core opened the authorize page
 * itself and waits on a loopback redirect, so there is no code; the link opens the page
 * again (a closed tab, another browser) and stays copyable.
 */
const BrowserRedirect = ({ instance }: { instance: InstanceView }) => {
  const actions = useActions();
  const signIn = instance.session.signIn;
  const remaining = useRemaining(signIn?.expiresAt);
  const link = signIn?.verificationUri;
  const openedByShell = useRolecall((s) => s.shell === 'electron');
  return (
    <section className="card sign-in-card" aria-label={`Signing in to ${instance.label}`}>
      <header className="card-header">
        <h2>Sign in to {instance.label}</h2>
        <span className="muted">{instance.startUrl}</span>
      </header>
      {!link ? (
        <p className="waiting">
          <span className="spinner" aria-hidden="true" /> Contacting IAM Identity Center…
        </p>
      ) : (
        <>
          {openedByShell ? (
            <>
              <p className="waiting attention">
                <span className="spinner" aria-hidden="true" /> Approve the request in the browser window that opened.
              </p>
              <p className="verification">
                <span className="muted">No window?</span>
                <a href={link} target="_blank" rel="noopener noreferrer">
                  Open the sign-in page again
                </a>
                <button type="button" className="link-button" onClick={() => void actions.copyText(link, 'the link')}>
                  Copy link
                </button>
              </p>
            </>
          ) : (
            <>
              {/* `rolecall web` opens nothing itself: the page's link is the way in. */}
              <p className="waiting attention">
                <span className="spinner" aria-hidden="true" /> Open the sign-in page and approve the request there.
              </p>
              <p className="verification">
                <a className="button-link" href={link} target="_blank" rel="noopener noreferrer">
                  Open the sign-in page
                </a>
                <button type="button" className="link-button" onClick={() => void actions.copyText(link, 'the link')}>
                  Copy link
                </button>
              </p>
            </>
          )}
          {/* The authorize URL is long; one line shows where it goes, Copy link takes all of it. */}
          <p className="authorize-url mono muted" title={link}>
            {link}
          </p>
          {remaining !== undefined ? (
            <p className="muted countdown" aria-live="off">
              {remaining > 0 ? `The request times out in ${formatRemaining(remaining)}.` : 'The request timed out; cancel and start again.'}
            </p>
          ) : null}
        </>
      )}
      <div className="card-actions">
        <button type="button" className="ghost" onClick={() => void actions.cancelSignIn(instance.id)}>
          Cancel
        </button>
      </div>
    </section>
  );
};

/** Every sign-in in progress, then every instance waiting for one. */
export const SignInArea = () => {
  const signingIn = useRolecall(useShallow(selectSigningIn));
  const needsSignIn = useRolecall(useShallow(selectNeedsSignIn));
  if (signingIn.length === 0 && needsSignIn.length === 0) return null;
  return (
    <div className="sign-in-area">
      {signingIn.map((instance) =>
        instance.session.signIn?.flow === 'pkce' ? (
          <BrowserRedirect key={instance.id} instance={instance} />
        ) : (
          <DeviceCode key={instance.id} instance={instance} />
        ),
      )}
      {needsSignIn.map((instance) => (
        <SignInPrompt key={instance.id} instance={instance} />
      ))}
    </div>
  );
};

export { statusWords };
