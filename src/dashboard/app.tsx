import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, clearSession, sessionKey, setSessionKey, whenUnauthorized, type Who } from './api.ts';
import { getRefreshSeconds, setRefreshSeconds, useRoute } from './hooks.ts';
import { parseHash } from './route.ts';
import { BudgetsPage } from './pages/budgets.tsx';
import { ForecastPage } from './pages/forecast.tsx';
import { KeysPage } from './pages/keys.tsx';
import { OverviewPage, prefetchOverview } from './pages/overview.tsx';
import { SESSION_CHECK } from './overview-calls.ts';
import { RequestsPage } from './pages/requests.tsx';
import { RoutingPage } from './pages/routing.tsx';
import { SpendPage } from './pages/spend.tsx';
import { SignIn } from './pages/sign-in.tsx';

const PAGES = [
  { id: 'overview', label: 'Overview', Page: OverviewPage },
  { id: 'spend', label: 'Spend', Page: SpendPage },
  { id: 'budgets', label: 'Budgets', Page: BudgetsPage },
  { id: 'forecast', label: 'Forecast & anomalies', Page: ForecastPage },
  { id: 'routing', label: 'Routing & cache', Page: RoutingPage },
  { id: 'requests', label: 'Requests', Page: RequestsPage },
  { id: 'keys', label: 'Keys', Page: KeysPage },
] as const;

/**
 * The session check, and the overview's calls when the overview is the page asked for, started as the module loads:
 * before the first render and its effects (which wait for a frame), so their round trips overlap the first paint.
 */
const sessionCheck: Promise<Who> | undefined = (() => {
  if (!sessionKey()) return undefined;
  // The check first: a browser opens at most six connections to a host, and every page waits for this answer.
  const check = api<Who>(SESSION_CHECK);
  if ((PAGES.find((p) => p.id === parseHash().page) ?? PAGES[0]).id === 'overview') prefetchOverview();
  // Handled in the App's first effect; this keeps an early failure from being reported as unhandled meanwhile.
  check.catch(() => undefined);
  return check;
})();

export function App() {
  const [who, setWho] = useState<Who | null>(null);
  const [checking, setChecking] = useState(sessionKey() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const route = useRoute();

  const signOut = (message: string | null) => {
    clearSession();
    setWho(null);
    setNotice(message);
  };

  useEffect(() => {
    const refused = (message: string) => signOut(`Signed out: the gateway refused the key (${message}). Sign in again.`);
    whenUnauthorized(refused);
    if (!sessionCheck) return;
    sessionCheck.then(
      (answer) => {
        setWho(answer);
        setChecking(false);
      },
      (error: Error) => {
        setChecking(false);
        // The check may have been refused before this effect registered the handler above.
        if (error instanceof ApiError && error.status === 401) refused(error.message);
        else setNotice(error.message);
      },
    );
  }, []);

  const page = PAGES.find((p) => p.id === route.page) ?? PAGES[0];
  // On a narrow screen the nav scrolls sideways: keep the current page's link in view.
  useEffect(() => {
    document.querySelector('.top nav a[aria-current=page]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [page.id, who]);

  if (!who) {
    if (checking) return <p class="muted center">Checking your session…</p>;
    return (
      <SignIn
        notice={notice}
        onSignedIn={(key, answer) => {
          setSessionKey(key);
          setNotice(null);
          setWho(answer);
        }}
      />
    );
  }

  const Page = page.Page;
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">◆</span> Tollgate
        </div>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === page.id ? 'page' : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <label class="refresh">
            <span>Refresh</span>
            <select
              value={String(getRefreshSeconds())}
              onChange={(e) => setRefreshSeconds(Number((e.target as HTMLSelectElement).value))}
            >
              <option value="5">5 s</option>
              <option value="15">15 s</option>
              <option value="60">1 min</option>
              <option value="0">off</option>
            </select>
          </label>
          <span class={`role role-${who.role}`} data-testid="role" title={who.org ? `confined to org ${who.org}` : 'all orgs'}>
            {who.name} · {who.role === 'viewer' ? 'viewer (read-only)' : 'admin'}
            {who.org ? ` · ${who.org}` : ''}
          </span>
          <button type="button" class="link" onClick={() => signOut('Signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{page.label}</h1>
        <Page key={page.id} who={who} params={route.params} canWrite={who.role === 'admin'} />
      </main>
    </div>
  );
}
