import type { Hono } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import type { Runtime } from '../runtime.ts';
import { parseAdminBody } from '../admin/parse-admin-body.ts';
import type { GatewayEnv } from '../context.ts';
import { feedbackSchema, submitFeedback } from './submit-feedback.ts';

/**
 * `POST /v1/feedback`: an app rates the answers to its own requests with the virtual key it made
 * them with (same body as the admin `/api/feedback`). A request of another key or org is a 404, as
 * if it did not exist.
 */
export function registerVirtualKeyFeedback(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.post('/v1/feedback', async (c) => {
    const principal = c.get('principal');
    const input = await parseAdminBody(c.req.raw, feedbackSchema);
    await runtime.flushLedger();
    const [row] = await runtime.ledger.list({ id: input.requestId }, 1);
    const own = row && row.orgId === principal.orgId && row.keyId === (principal.keyId ?? null);
    if (!row || !own) throw new GatewayError('not_found', `No request ${input.requestId} for this API key`, { param: 'requestId' });
    return c.json(await submitFeedback(runtime, row, input), 201);
  });
}
