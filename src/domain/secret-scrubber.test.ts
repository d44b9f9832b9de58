import { describe, expect, it } from 'vitest';
import { REDACTED, createSecretScrubber } from './secret-scrubber.ts';

const SECRET = 'sk-canary-0123456789abcdef/+=';

describe('secret scrubber', () => {
  const scrubber = createSecretScrubber([SECRET, 'short', undefined, '']);

  it('removes a secret and its base64, base64url, URL- and JSON-escaped forms', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    const text = `Bearer ${SECRET} | ${b64} | ${Buffer.from(SECRET).toString('base64url')} | ${encodeURIComponent(SECRET)} | ${JSON.stringify(SECRET)} | ${b64.replace(/=+$/, '')}`;
    const out = scrubber.scrub(text);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(b64.replace(/=+$/, ''));
    expect(out).not.toContain(encodeURIComponent(SECRET));
    expect(out).not.toContain('0123456789abcdef');
    expect(out.startsWith(`Bearer ${REDACTED}`)).toBe(true);
  });

  it('leaves text without secrets, and values too short to be secrets, alone', () => {
    expect(scrubber.scrub('a short answer about sk-canary and mock')).toBe('a short answer about sk-canary and mock');
    expect(createSecretScrubber(['mock']).active).toBe(false);
    expect(createSecretScrubber([]).scrub(SECRET)).toBe(SECRET);
  });

  it('treats secrets as literal text, not patterns', () => {
    const dotted = createSecretScrubber(['a.b*c+d?(e)[f]{g}|h^$']);
    expect(dotted.scrub('xa.b*c+d?(e)[f]{g}|h^$x and aXbbbcdd')).toBe(`x${REDACTED}x and aXbbbcdd`);
  });

  it('streams: a secret split across pieces at any point is still removed, and nothing else is held back', () => {
    const text = `data: {"error":{"message":"echo Authorization: Bearer ${SECRET}"}}\n\n`;
    for (let cut = 0; cut <= text.length; cut += 1) {
      for (const second of [cut, Math.min(text.length, cut + 7)]) {
        const stream = scrubber.stream();
        const out = stream.push(text.slice(0, cut)) + stream.push(text.slice(cut, second)) + stream.push(text.slice(second)) + stream.end();
        expect(out).toBe(scrubber.scrub(text));
      }
    }
    const plain = scrubber.stream();
    expect(plain.push('data: {"choices":[]}\n\n')).toBe('data: {"choices":[]}\n\n');
    // A tail that may begin a secret waits for the next piece, and only that tail.
    expect(plain.push('text sk-can')).toBe('text ');
    expect(plain.push('dy\n')).toBe('sk-candy\n');
    expect(plain.end()).toBe('');
  });
});
