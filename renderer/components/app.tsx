import { useRolecall } from '../store/hooks';
import { selectInstances } from '../store/selectors';
import { Directory } from './directory';
import { InstanceForm } from './instance-form';
import { Notices } from './notices';
import { Preferences } from './preferences';
import { SignInArea } from './sign-in';
import { StatusBar } from './status-bar';
import { Toasts } from './toasts';
import { TopBar } from './top-bar';

const Welcome = () => (
  <section className="welcome card" aria-label="Welcome">
    <h1>Add your IAM Identity Center</h1>
    <p className="muted">
      Paste the AWS access portal URL your company uses for single sign-on, and the region of its Identity Center. You sign in once; every
      account and role follows.
    </p>
    <InstanceForm />
  </section>
);

/** The whole window: top bar, the current view, the status bar, toasts. */
export const App = () => {
  const ready = useRolecall((s) => s.snapshot !== null);
  // Roles painted from the page's storage show (and search) before the bridge answers.
  const painted = useRolecall((s) => s.snapshot === null && s.entries.length > 0);
  const hasInstances = useRolecall((s) => selectInstances(s).length > 0);
  const view = useRolecall((s) => s.view);
  return (
    <div className="app">
      <TopBar />
      <main className="main">
        <Notices />
        {painted ? (
          <Directory />
        ) : !ready ? (
          <p className="loading" role="status">
            <span className="spinner" aria-hidden="true" /> Connecting to Rolecall…
          </p>
        ) : view === 'preferences' ? (
          <div className="scroll-pane">
            <Preferences />
          </div>
        ) : hasInstances ? (
          <>
            <SignInArea />
            <Directory />
          </>
        ) : (
          <div className="scroll-pane">
            <Welcome />
          </div>
        )}
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
};
