/**
 * @module
 * The app shell: asks the server who is signed in (`GET /api/session`), shows the sign-in form when nobody is,
 * and otherwise the navigation and the page for the current address (client-side routing; the server answers
 * `index.html` for every app path, so deep links and reloads work).
 */
import { useEffect, useState } from 'preact/hooks';
import { Link, Route, Switch, useLocation } from 'wouter-preact';
import { api, ApiError, onSignedOut, setCsrfToken } from './lib/api.js';
import { DestinationsPage } from './pages/destinations-page.js';
import { PeoplePage } from './pages/people-page.js';
import { PersonPage } from './pages/person-page.js';
import { SegmentEditorPage } from './pages/segment-editor-page.js';
import { SegmentPage } from './pages/segment-page.js';
import { SegmentsPage } from './pages/segments-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { SystemPage } from './pages/system-page.js';
import { QualityPage } from './pages/quality-page.js';
import { ExperimentPage } from './pages/experiment-page.js';
import { ExperimentsPage } from './pages/experiments-page.js';
import { WorkflowPage } from './pages/workflow-page.js';
import { WorkflowsPage } from './pages/workflows-page.js';

type Auth = { state: 'checking' } | { state: 'signed-out'; notice?: string } | { state: 'signed-in'; workspaceId: string };

const NAV: readonly [string, string][] = [
  ['/', 'Segments'],
  ['/people', 'People'],
  ['/workflows', 'Workflows'],
  ['/experiments', 'Experiments'],
  ['/destinations', 'Destinations'],
  ['/system', 'System'],
  ['/quality', 'Data quality'],
];

function Nav({ onSignOut }: { onSignOut: () => void }) {
  const [location] = useLocation();
  const current = (href: string): boolean => (href === '/' ? location === '/' || location.startsWith('/segments') : location.startsWith(href));
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <span class="brand">segflow</span>
      <nav aria-label="Main">
        <ul>
          {NAV.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={current(href) ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <button type="button" class="sign-out" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}

/** The whole app. */
export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const check = (): void => {
    api<{ signedIn: boolean; workspaceId: string | null; csrfToken: string | null }>('GET', '/api/session').then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setAuth(s.signedIn && s.workspaceId !== null ? { state: 'signed-in', workspaceId: s.workspaceId } : { state: 'signed-out' });
      },
      (err: unknown) => {
        setCsrfToken(null);
        const expired = err instanceof ApiError && err.code === 'AUTH_SESSION_INVALID';
        setAuth({ state: 'signed-out', ...(expired ? { notice: 'Your session has ended. Sign in again.' } : {}) });
      },
    );
  };
  useEffect(check, []);
  useEffect(
    () =>
      onSignedOut(() => {
        setCsrfToken(null);
        setAuth({ state: 'signed-out', notice: 'Your session has ended. Sign in again.' });
      }),
    [],
  );
  const signOut = async (): Promise<void> => {
    try {
      await api('DELETE', '/api/session');
    } finally {
      setCsrfToken(null);
      setAuth({ state: 'signed-out', notice: 'You are signed out.' });
    }
  };

  if (auth.state === 'checking') return <p class="muted boot">Loading…</p>;
  if (auth.state === 'signed-out') return <SignInPage onSignedIn={check} {...(auth.notice ? { notice: auth.notice } : {})} />;
  return (
    <>
      <Nav onSignOut={signOut} />
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/">{() => <SegmentsPage />}</Route>
          <Route path="/segments/new">{() => <SegmentEditorPage />}</Route>
          <Route path="/segments/:name/edit">{(p: { name: string }) => <SegmentEditorPage name={decodeURIComponent(p.name)} />}</Route>
          <Route path="/segments/:name">{(p: { name: string }) => <SegmentPage name={decodeURIComponent(p.name)} />}</Route>
          <Route path="/people">{() => <PeoplePage />}</Route>
          <Route path="/people/:ref">{(p: { ref: string }) => <PersonPage profileRef={decodeURIComponent(p.ref)} />}</Route>
          <Route path="/workflows">{() => <WorkflowsPage />}</Route>
          <Route path="/workflows/:name">{(p: { name: string }) => <WorkflowPage name={decodeURIComponent(p.name)} />}</Route>
          <Route path="/experiments">{() => <ExperimentsPage />}</Route>
          <Route path="/experiments/:name">{(p: { name: string }) => <ExperimentPage name={decodeURIComponent(p.name)} />}</Route>
          <Route path="/destinations">{() => <DestinationsPage />}</Route>
          <Route path="/system">{() => <SystemPage />}</Route>
          <Route path="/quality">{() => <QualityPage />}</Route>
          <Route>
            <h1>Not found</h1>
            <p>
              No page here. <Link href="/">Back to segments</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}
