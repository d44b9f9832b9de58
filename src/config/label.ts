import { z } from 'zod';

/**
 * Characters a label (a key's name, user or tag, a budget's value, a fixed cost's name, a price override's
 * model name, `cache.sharedNamespace`) may not hold:
 * C0 and C1 controls and DEL (a CR/LF forges log lines and CSV rows, an ESC drives terminals), the
 * line and paragraph separators, and the bidi marks, embeddings, overrides and isolates that make a
 * name display as another (`\u202e` reverses what follows). Labels end up in logs, response headers,
 * the audit log, CSV exports and the console.
 */
export const UNSAFE_LABEL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

export const LABEL_MESSAGE = 'must not contain control characters (C0/C1, DEL, line separators) or bidi overrides';

/** A non-empty label without control characters or bidi overrides. */
export function label() {
  return z.string().min(1).refine((value) => !UNSAFE_LABEL_CHARACTERS.test(value), LABEL_MESSAGE);
}
