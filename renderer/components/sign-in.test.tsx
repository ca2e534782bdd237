import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { AppSnapshot, InstanceView } from '../../app/model/snapshot';
import { emptySnapshot, instanceView } from '../../app/model/test-support/snapshot-fixture';
import type { Actions } from '../store/actions';
import { ActionsContext, StoreContext } from '../store/hooks';
import { createRolecallStore } from '../store/store';
import { SignInArea } from './sign-in';

const authorizeUrl =
  'http://127.0.0.1:4510/authorize?response_type=code&client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Foauth%2Fcallback';

const snapshotWith = (session: InstanceView['session']): AppSnapshot =>
  emptySnapshot({ instances: [instanceView('acme', session, 'Acme')] });

/** The sign-in area as the given shell renders it (markup only: the words and links are what matter here). */
const render = (shell: 'electron' | 'web', session: InstanceView['session']): string => {
  const store = createRolecallStore();
  store.getState().setShell(shell);
  store.getState().receiveSnapshot(snapshotWith(session));
  // Server rendering reads a store's initial state; make that the state set up above.
  const current = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(
    <StoreContext.Provider value={current}>
      <ActionsContext.Provider value={{} as Actions}>
        <SignInArea />
      </ActionsContext.Provider>
    </StoreContext.Provider>,
  );
};

const pkce = { status: 'signing-in', signIn: { flow: 'pkce', stage: 'awaiting-user', verificationUri: authorizeUrl } } as const;

describe('SignInArea', () => {
  it('offers "Sign in" (the core\'s default flow) and both flows by name as quiet second choices', () => {
    const html = render('electron', { status: 'signed-out' });
    expect(html).toContain('>Sign in</button>');
    expect(html).toContain('>Sign in with browser redirect (PKCE)</button>');
    expect(html).toContain('>Sign in with a device code</button>');
  });

  it('says next to a device code to approve it only when the user just asked for it', () => {
    const html = render('web', {
      status: 'signing-in',
      signIn: { flow: 'device', stage: 'polling', userCode: 'WDJB-MJHT', verificationUri: 'http://127.0.0.1:9/device' },
    });
    expect(html).toContain('WDJB-MJHT');
    expect(html).toContain('Approve it only if you just asked Rolecall to sign in; never for a code someone sent you.');
  });

  it('desktop PKCE wait: the browser window opened by the core, the link to open it again, Cancel; no user code', () => {
    const html = render('electron', pkce);
    expect(html).toContain('Approve the request in the browser window that opened.');
    expect(html).toContain(`href="${authorizeUrl.replaceAll('&', '&amp;')}"`);
    expect(html).toContain('>Open the sign-in page again</a>');
    expect(html).toContain('>Cancel</button>');
    expect(html).not.toContain('User code');
  });

  it('web PKCE wait: nothing was opened, so the link is the way in', () => {
    const html = render('web', pkce);
    expect(html).not.toContain('browser window that opened');
    expect(html).toContain('Open the sign-in page and approve the request there.');
    expect(html).toContain('>Open the sign-in page</a>');
  });

  it('PKCE before the authorize URL exists: contacting Identity Center, still cancellable', () => {
    const html = render('electron', { status: 'signing-in', signIn: { flow: 'pkce', stage: 'registering' } });
    expect(html).toContain('Contacting IAM Identity Center…');
    expect(html).toContain('>Cancel</button>');
  });
});
