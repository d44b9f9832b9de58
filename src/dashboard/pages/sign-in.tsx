import { useState } from 'preact/hooks';
import { api, type Who } from '../api.ts';

/** Sign-in with an admin or viewer key: checked against `GET /api/whoami` before it is kept for the session. */
export function SignIn(props: { notice: string | null; onSignedIn: (key: string, who: Who) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const who = await api<Who>('/api/whoami', { key: key.trim() });
      props.onSignedIn(key.trim(), who);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <form onSubmit={submit} class="card signin-card" aria-labelledby="signin-title">
        <h1 id="signin-title">
          <span class="logo" aria-hidden="true">◆</span> Tollgate
        </h1>
        <p class="muted">Sign in with the gateway's admin key (<code>TOLLGATE_ADMIN_KEY</code>) or a read-only viewer key (<code>TOLLGATE_VIEWER_KEY</code>).</p>
        {props.notice && (
          <p class="notice" role="status">
            {props.notice}
          </p>
        )}
        <label for="admin-key">Admin or viewer key</label>
        <input id="admin-key" name="key" type="password" autocomplete="current-password" required value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />
        {error && (
          <p class="error" role="alert" id="signin-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">The key is kept in this tab's session storage only and is forgotten when you sign out or close the tab.</p>
      </form>
    </main>
  );
}
