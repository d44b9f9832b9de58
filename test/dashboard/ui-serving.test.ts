import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketKeys, csv, usd } from '../../src/dashboard/format.ts';
import { startHarness, type Harness } from '../support/harness.ts';

/** The dashboard's serving half (no browser needed): `/` → `/ui`, the page's headers, hashed gzipped assets. */
describe('dashboard serving (issue #14)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 60_000);
  afterAll(() => h.close());

  it('redirects / to /ui and serves the page with a CSP that allows no inline script and no other origin', async () => {
    const redirect = await fetch(`${h.url}/`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/ui');
    const page = await fetch(`${h.url}/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    // Only external scripts, from the gateway itself.
    expect(html.match(/<script[^>]*>/g)!.every((tag) => /src="\/ui\/assets\/(app|boot)-[0-9a-f]{12}\.js"/.test(tag))).toBe(true);
  }, 60_000);

  it('serves content-hashed assets cached for a year, gzipped when asked, and 404 for any other name', async () => {
    const html = await (await fetch(`${h.url}/ui`)).text();
    const paths = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(paths.some((p) => p.endsWith('.js')) && paths.some((p) => p.endsWith('.css'))).toBe(true);
    for (const path of paths) {
      const plain = await fetch(`${h.url}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('content-encoding')).toBeNull();
      const body = Buffer.from(await plain.arrayBuffer());
      // The name's hash is the content's: a new build never reuses a cached name.
      const { createHash } = await import('node:crypto');
      expect(path).toContain(createHash('sha256').update(body).digest('hex').slice(0, 12));
      const gzipped = await new Promise<Buffer>((resolve, reject) => {
        import('node:http').then(({ get }) =>
          get(`${h.url}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
            expect(res.headers['content-encoding']).toBe('gzip');
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          }).on('error', reject),
        );
      });
      expect(gunzipSync(gzipped).equals(body)).toBe(true);
      expect(gzipped.length).toBeLessThan(body.length);
    }
    expect((await fetch(`${h.url}/ui/assets/app-000000000000.js`)).status).toBe(404);
    expect((await fetch(`${h.url}/ui/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('keeps the admin API behind its key: the page is public, the data is not', async () => {
    expect((await fetch(`${h.url}/api/report`)).status).toBe(401);
  });
});

describe('dashboard display helpers', () => {
  it('formats money from nano-dollars with enough digits to be non-zero', () => {
    expect(usd(0)).toBe('$0.00');
    expect(usd(1_234_560_000_000)).toBe('$1,234.56');
    expect(usd(141_700)).toBe('$0.00014');
    expect(usd(500_000_000)).toBe('$0.50');
    expect(usd(-2_000_000_000)).toBe('-$2.00');
  });
  it('lists every UTC bucket between two instants in the report API spelling', () => {
    const from = Date.parse('2026-11-30T22:30:00Z');
    expect(bucketKeys(from, Date.parse('2026-12-02T01:00:00Z'), 'day').map((b) => b.key)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
    expect(bucketKeys(from, Date.parse('2026-11-30T23:59:00Z'), 'hour').map((b) => b.key)).toEqual(['2026-11-30T22:00Z', '2026-11-30T23:00Z']);
  });
  it('writes CSV that a spreadsheet reads as text, not formulas', () => {
    expect(csv([['a,b', '=1+1', 3, null]])).toBe('"a,b",\'=1+1,3,\n');
  });
});
