/**
 * Removes configured secrets (upstream API keys, credential headers, admin keys, override tokens,
 * passwords in URLs) from text that leaves the gateway: relayed upstream bodies and errors, log
 * lines, the start-up report. Each secret is matched as itself and in the encodings an echo is
 * likely to use (base64, base64url, URL- and JSON-escaped). Pure; build once at start-up.
 */
export interface SecretScrubber {
  /** Whether any secret is configured (otherwise `scrub` is the identity). */
  readonly active: boolean;
  scrub(text: string): string;
  /**
   * For text arriving in pieces (a streamed body): `push` returns what is safe to pass on now,
   * holding back only a tail that could be the start of a secret completed by the next piece.
   */
  stream(): { push(piece: string): string; end(): string };
}

export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: scrubbing `mock` or `1` would mangle ordinary text. */
export const MIN_SECRET_CHARS = 8;

export function createSecretScrubber(secrets: Iterable<string | undefined>): SecretScrubber {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_CHARS) continue;
    for (const form of encodingsOf(secret)) if (form.length >= MIN_SECRET_CHARS) forms.add(form);
  }
  if (forms.size === 0) return { active: false, scrub: (text) => text, stream: () => ({ push: (piece) => piece, end: () => '' }) };
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  const firstChars = new Set(ordered.map((form) => form[0]));
  const alphabet = new Set(ordered.join(''));
  const longest = ordered[0]!.length;
  const scrub = (text: string) => (text.length === 0 ? text : text.replace(pattern, REDACTED));
  /** Length of the longest tail of `text` that is a proper prefix of some form. */
  const pendingTail = (text: string): number => {
    // Only the trailing run of characters that occur in some form can be a prefix (an SSE event's closing newlines end it at once).
    let run = 0;
    while (run < longest - 1 && run < text.length && alphabet.has(text[text.length - 1 - run]!)) run += 1;
    for (let length = run; length > 0; length -= 1) {
      const start = text.length - length;
      if (!firstChars.has(text[start]!)) continue;
      const tail = text.slice(start);
      if (ordered.some((form) => form.length > length && form.startsWith(tail))) return length;
    }
    return 0;
  };
  return {
    active: true,
    scrub,
    stream() {
      let carry = '';
      return {
        push(piece) {
          const text = scrub(carry + piece);
          const hold = pendingTail(text);
          carry = text.slice(text.length - hold);
          return text.slice(0, text.length - hold);
        },
        end() {
          const rest = scrub(carry);
          carry = '';
          return rest;
        },
      };
    },
  };
}

function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
