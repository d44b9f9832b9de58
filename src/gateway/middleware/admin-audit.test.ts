import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { GatewayEnv } from '../context.ts';
import { adminAudit } from './admin-audit.ts';

describe('adminAudit', () => {
  function app(lines: string[]) {
    const hono = new Hono<GatewayEnv>();
    hono.use('/api/*', async (c, next) => {
      c.set('admin', { role: 'viewer', orgId: 'acme', name: 'acme-viewer' });
      await next();
    });
    hono.use('/api/*', adminAudit((line) => lines.push(line)));
    hono.delete('/api/keys/:id', (c) => c.json({ error: 'forbidden' }, 403));
    return hono;
  }

  it('writes one line per change attempt, with the caller and the status', async () => {
    const lines: string[] = [];
    await app(lines).request('/api/keys/key_1', { method: 'DELETE' });
    expect(lines).toEqual(['admin audit: acme-viewer (viewer, org acme) DELETE /api/keys/key_1 -> 403']);
  });

  it('a percent-encoded line break in the path cannot forge a second audit line', async () => {
    const lines: string[] = [];
    await app(lines).request('/api/keys/x%0Aadmin%20audit:%20root%20(admin)%20DELETE%20/api/budgets/b%20-%3E%20200%0D', { method: 'DELETE' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[0]).toMatch(/^admin audit: acme-viewer \(viewer, org acme\) DELETE \/api\/keys\/x\\u000aadmin audit: root \(admin\) DELETE \/api\/budgets\/b -> 200\\u000d -> \d{3}$/);
  });
});
