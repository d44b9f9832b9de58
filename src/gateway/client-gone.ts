import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientSignal } from '../domain/client-signal.ts';

/**
 * A `ClientSignal` without an AbortController: one plain object and an array for the (one)
 * upstream call's listener, instead of an EventTarget per request. Listeners run once.
 */
export class ClientGone implements ClientSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Array<() => void> | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    const index = listeners ? listeners.indexOf(listener) : -1;
    if (index >= 0) listeners!.splice(index, 1);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}

/**
 * Aborted when the client goes away before its response is complete, on the same rule as the hono
 * adapter's request signal: the upstream call is cancelled and the request metered as the client's leaving.
 */
export function clientGone(incoming: IncomingMessage, outgoing: ServerResponse): ClientGone {
  const signal = new ClientGone();
  if (outgoing.destroyed || (incoming.destroyed && !incoming.complete)) signal.abort('Client connection prematurely closed.');
  else {
    outgoing.once('close', () => {
      if (incoming.errored) signal.abort(incoming.errored.toString());
      else if (!outgoing.writableFinished) signal.abort('Client connection prematurely closed.');
    });
  }
  return signal;
}
