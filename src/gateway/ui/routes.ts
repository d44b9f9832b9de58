import type { Context, Hono } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import type { GatewayEnv } from '../context.ts';
import { buildUiBundle, type UiBundle } from './bundle.ts';

/**
 * The page may load only its own code and styles and talk only to this gateway: no inline script,
 * no third-party origin, no framing. uPlot and Preact set styles through the CSSOM, which style-src allows.
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * `/` redirects to `/ui`; `/ui` (and any `/ui/...` page path) answers the dashboard's HTML, never cached,
 * naming content-hashed assets that are cached for a year. The bundle is built once, on the first request
 * (a failed build is retried on the next one rather than cached).
 */
export function registerUiRoutes(app: Hono<GatewayEnv>, build: () => Promise<UiBundle> = buildUiBundle): void {
  let bundle: Promise<UiBundle> | undefined;
  const get = (): Promise<UiBundle> => {
    bundle ??= build().catch((error: unknown) => {
      bundle = undefined;
      throw new GatewayError('internal', `The dashboard could not be built: ${(error as Error).message}`, { cause: error });
    });
    return bundle;
  };

  app.get('/', (c) => c.redirect('/ui', 302));
  app.get('/ui/assets/:file', async (c) => {
    const asset = (await get()).assets.get(c.req.path);
    if (!asset) throw new GatewayError('not_found', `No dashboard asset ${c.req.path}`);
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'accept-encoding',
    };
    if (gzip) headers['content-encoding'] = 'gzip';
    return c.body(gzip ? asset.gzip : asset.body, 200, headers);
  });
  const html = async (c: Context<GatewayEnv>) => c.body((await get()).html, 200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  app.get('/ui', html);
  app.get('/ui/', html);
}
