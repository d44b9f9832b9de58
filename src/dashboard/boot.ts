import { EARLY_CALLS, sessionKey, type EarlyCalls } from './api.ts';
import { overviewCalls, SESSION_CHECK } from './overview-calls.ts';
import { parseHash } from './route.ts';

/**
 * The boot script: a small classic script the page runs before the app's bundle is even parsed. With a kept
 * session it starts the session check and, when the overview is the page asked for, the overview's calls, so
 * the gateway answers while the browser still loads and compiles the app; `api()` then takes these answers
 * (each once, while fresh) instead of asking again. Nothing else: no rendering, no state.
 */
const key = sessionKey();
if (key) {
  const nowMs = Date.now();
  const headers = { accept: 'application/json', authorization: `Bearer ${key}` };
  const paths = [SESSION_CHECK];
  if (parseHash().page === 'overview') {
    const { utcDays: _utcDays, ...calls } = overviewCalls(nowMs);
    paths.push(...Object.values(calls));
  }
  const responses: EarlyCalls['responses'] = {};
  for (const path of paths) {
    const response = fetch(path, { headers });
    // Taken (and its failure handled) by api(); never reported as unhandled meanwhile.
    response.catch(() => undefined);
    responses[path] = response;
  }
  (globalThis as Record<string, unknown>)[EARLY_CALLS] = { atMs: nowMs, key, responses } satisfies EarlyCalls;
}
