/**
 * The dashboard's only door to data: the admin API on the same origin, with the key the user typed.
 * The key lives in sessionStorage (gone when the tab closes or on sign-out), never in localStorage.
 */
const SESSION = 'tollgate.session';

export interface Who {
  name: string;
  role: 'admin' | 'viewer';
  org: string | null;
}

export function sessionKey(): string | null {
  return sessionStorage.getItem(SESSION);
}
export function setSessionKey(key: string): void {
  sessionStorage.setItem(SESSION, key);
}
export function clearSession(): void {
  sessionStorage.removeItem(SESSION);
}

/** An admin API refusal, carrying the API's own message (shown in place) and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** Called when the API refuses the key itself (expired, revoked, wrong): the app returns to sign-in. */
let onUnauthorized: (message: string) => void = () => {};
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

/** Where the boot script (boot.ts) leaves the calls it started before the app loaded. */
export const EARLY_CALLS = '__tollgateEarlyCalls';
export interface EarlyCalls {
  atMs: number;
  /** The session key the calls were made with: they serve only while it is still the session's. */
  key: string;
  responses: Record<string, Promise<Response>>;
}
/** How long an early answer may wait for the app before it is asked for again instead. */
const EARLY_FRESH_MS = 10_000;

/** The boot script's answer for a GET of `path` with the session key, taken once while fresh. */
function takeEarly(path: string, key: string | null): Promise<Response> | undefined {
  const early = (globalThis as Record<string, unknown>)[EARLY_CALLS] as EarlyCalls | undefined;
  const response = early?.responses[path];
  if (!early || !response) return undefined;
  delete early.responses[path];
  return early.key === key && Date.now() - early.atMs < EARLY_FRESH_MS ? response : undefined;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<T> {
  const key = init.key ?? sessionKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const ask = () => fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const early = (init.method ?? 'GET') === 'GET' && init.key === undefined ? takeEarly(path, key) : undefined;
  let response: Response;
  try {
    // An early call that could not reach the gateway is simply made again.
    response = await (early ? early.catch(ask) : ask());
  } catch {
    throw new ApiError(0, 'The gateway did not answer (is it running?)');
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = (body as { error?: { message?: string; param?: string | null } } | null)?.error;
    const message = error?.message ?? `${response.status} ${response.statusText}`;
    if (response.status === 401 && init.key === undefined) onUnauthorized(message);
    throw new ApiError(response.status, message, error?.param ?? null);
  }
  return body as T;
}

/** Query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
