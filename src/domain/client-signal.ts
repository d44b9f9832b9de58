/**
 * "The client went away", as the pipeline needs it: a flag to check, and an `abort` event the
 * upstream call listens to (undici takes any EventTarget-like object). A web `AbortSignal` is one;
 * so is the Node fast path's lighter `ClientGone`.
 */
export interface ClientSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
