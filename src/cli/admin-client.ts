import { CliError } from './command.ts';

/** Calls a running gateway's admin API (`--url` or TOLLGATE_URL, key from TOLLGATE_ADMIN_KEY). */
export async function adminRequest(path: string, init: { method?: string; body?: unknown; url?: string } = {}): Promise<unknown> {
  const base = init.url ?? process.env.TOLLGATE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 4000}`;
  const key = process.env.TOLLGATE_ADMIN_KEY;
  if (!key) throw new CliError('TOLLGATE_ADMIN_KEY must be set to reach the admin API');
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    throw new CliError(`cannot reach the gateway at ${base}: ${(error as Error).message}`);
  }
  const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok) throw new CliError(payload.error?.message ?? `the gateway answered HTTP ${response.status}`);
  return payload;
}
