import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Empty, ErrorBox, Loading, Section } from '../components.tsx';
import { dateTime } from '../format.ts';
import { usePoll } from '../hooks.ts';
import type { VirtualKey, PageProps } from '../types.ts';

/** Virtual keys: list, create (the secret is shown once, with a copy button), revoke. */
export function KeysPage({ canWrite }: PageProps) {
  const state = usePoll(() => api<{ data: VirtualKey[] }>('/api/keys').then((k) => k.data), []);
  const [created, setCreated] = useState<{ key: VirtualKey; secret: string } | null>(null);
  const [actionError, setActionError] = useState<Error | undefined>();
  const [showRevoked, setShowRevoked] = useState(false);

  const revoke = async (key: VirtualKey) => {
    if (!confirm(`Revoke key ${key.name} (${key.prefix ?? key.id})? Clients using it are refused at once.`)) return;
    setActionError(undefined);
    try {
      await api(`/api/keys/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
      state.reload();
    } catch (error) {
      setActionError(error as Error);
    }
  };

  return (
    <div data-loaded={state.data || state.error ? 'true' : undefined}>
      {canWrite && (
        <CreateKey
          onCreated={(answer) => {
            setCreated(answer);
            state.reload();
          }}
        />
      )}
      {created && <Secret created={created} onDismiss={() => setCreated(null)} />}
      <ErrorBox error={actionError} what="that change" />
      <Loading state={state} what="keys">
        {(keys) => {
          const shown = keys.filter((k) => showRevoked || !k.revokedAtMs);
          return (
            <Section
              title="Virtual keys"
              actions={
                <label class="inline">
                  <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked((e.target as HTMLInputElement).checked)} /> show revoked
                </label>
              }
            >
              {shown.length === 0 ? (
                <Empty title="No virtual keys">{canWrite ? 'Create one per team or app: its spend is attributed to its project, and it can carry its own limits.' : 'An admin can create keys.'}</Empty>
              ) : (
                <div class="table-wrap" tabIndex={0}>
                  <table data-testid="keys-table">
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">Prefix</th>
                        <th scope="col">Org / project</th>
                        <th scope="col">Created</th>
                        <th scope="col">State</th>
                        {canWrite && <th scope="col"><span class="sr-only">Actions</span></th>}
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((key) => (
                        <tr key={key.id} data-key-id={key.id}>
                          <td>{key.name}</td>
                          <td>
                            <code>{key.prefix ?? key.id}…</code>
                          </td>
                          <td>
                            {key.orgId} / {key.projectId}
                          </td>
                          <td>{key.createdAtMs ? dateTime(key.createdAtMs) : '–'}</td>
                          <td>
                            {key.revokedAtMs ? <span class="state bad">revoked</span> : key.expiresAt && Date.parse(key.expiresAt) < Date.now() ? <span class="state warn">expired</span> : <span class="state good">active</span>}
                          </td>
                          {canWrite && (
                            <td>
                              {!key.revokedAtMs && (
                                <button type="button" class="danger" onClick={() => revoke(key)} aria-label={`Revoke ${key.name}`}>
                                  Revoke
                                </button>
                              )}
                            </td>
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Section>
          );
        }}
      </Loading>
    </div>
  );
}

function CreateKey(props: { onCreated: (answer: { key: VirtualKey; secret: string }) => void }) {
  const [name, setName] = useState('');
  const [project, setProject] = useState('');
  const [org, setOrg] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { name: name.trim() };
    if (project.trim()) body.project = project.trim();
    if (org.trim()) body.org = org.trim();
    try {
      props.onCreated(await api<{ key: VirtualKey; secret: string }>('/api/keys', { method: 'POST', body }));
      setName('');
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-key-title" data-testid="key-form">
      <h2 id="new-key-title">New key</h2>
      <div class="grid-form">
        <label>
          <span>Name</span>
          <input name="name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required placeholder="web-frontend" />
        </label>
        <label>
          <span>Project (default: default)</span>
          <input name="project" value={project} onInput={(e) => setProject((e.target as HTMLInputElement).value)} placeholder="web" />
        </label>
        <label>
          <span>Org (default: yours, else default)</span>
          <input name="org" value={org} onInput={(e) => setOrg((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !name.trim()}>
          Create key
        </button>
      </div>
    </form>
  );
}

/** The new key's secret: shown once, never again (the gateway keeps only its hash). */
function Secret(props: { created: { key: VirtualKey; secret: string }; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.created.secret);
      setCopied(true);
    } catch {
      // Clipboard refused (no permission, not a secure context): select the text so Ctrl+C works.
      const field = document.getElementById('new-secret') as HTMLInputElement | null;
      field?.select();
    }
  };
  return (
    <div class="card secret" role="status" data-testid="new-secret">
      <h2>Key {props.created.key.name} created</h2>
      <p>Copy the secret now: it is shown only this once.</p>
      <div class="secret-row">
        <label for="new-secret" class="sr-only">
          Secret of key {props.created.key.name}
        </label>
        <input id="new-secret" readOnly value={props.created.secret} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={props.onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}
