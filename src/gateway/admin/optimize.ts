import type { Hono } from 'hono';
import { z } from 'zod';
import { MAX_BUDGET_LIMIT_USD } from '../../config/schema.ts';
import { GatewayError } from '../../domain/errors.ts';
import { formatUsd, usdToNano } from '../../domain/money.ts';
import { lastUserText } from '../../domain/prompt-text.ts';
import type { ClientRequest } from '../../domain/request.ts';
import { optimizeBatch, type BatchItem } from '../../routing/batch-optimize.ts';
import { predict } from '../../routing/learned/model.ts';
import { needOf } from '../../routing/router.ts';
import { expectedCostNano } from '../../routing/select.ts';
import type { Runtime } from '../runtime.ts';
import type { GatewayEnv } from '../context.ts';
import { parseAdminBody } from './parse-admin-body.ts';
import { ownEntry } from '../../domain/own-entry.ts';

const batchSchema = z
  .object({
    requests: z
      .array(z.object({ id: z.string().min(1) }).passthrough())
      .min(1)
      .max(50_000)
      .superRefine((requests, context) => {
        // The answer maps each id to its model: a repeated id would silently lose a request.
        const seen = new Set<string>();
        for (const [index, request] of requests.entries()) {
          if (seen.has(request.id)) {
            context.addIssue({ code: 'custom', path: [index, 'id'], message: `'${request.id.slice(0, 100)}' is repeated: each request needs its own id` });
            return;
          }
          seen.add(request.id);
        }
      }),
    /** At most what nano-dollar integers hold, like a budget's limit. */
    budgetUsd: z.number().positive().max(MAX_BUDGET_LIMIT_USD),
    /** Mean expected quality the batch must reach (0..1). */
    minQuality: z.number().min(0).max(1),
    /** Model aliases to choose from (default: every catalogue model). */
    candidates: z.array(z.string()).optional(),
    /** A `learned` route whose model predicts, per prompt, how the weak model fares against the strong one. */
    qualityRoute: z.string().optional(),
  })
  .strict();

/**
 * `POST /api/optimize/batch`: task-aware assignment for batch work. Each request gets the model
 * that reaches the quality floor at the least total cost within the budget; the answer has the
 * assignment, its expected cost and quality, and the savings against the best-quality choice.
 */
export function registerOptimizeRoutes(app: Hono<GatewayEnv>, runtime: Runtime): void {
  app.post('/api/optimize/batch', async (c) => {
    const input = await parseAdminBody(c.req.raw, batchSchema);
    // A batch of chat requests: only models that serve chat are candidates (never an embedding model).
    const all = runtime.router.entries().filter((entry) => entry.operations.includes('chat'));
    const entries = input.candidates ? all.filter((entry) => input.candidates!.includes(entry.alias)) : all;
    if (entries.length === 0) throw new GatewayError('invalid_request', 'No candidate model is configured', { param: 'candidates' });
    const route = input.qualityRoute ? ownEntry(runtime.config.routes, input.qualityRoute) : undefined;
    if (input.qualityRoute && (!route || route.strategy !== 'learned')) throw new GatewayError('invalid_request', `'${input.qualityRoute}' is not a learned route`, { param: 'qualityRoute' });
    const learned = route ? runtime.router.learnedModel(input.qualityRoute!, route) : undefined;
    const items: BatchItem[] = input.requests.map((body) => {
      const request = { body: body as Record<string, unknown>, id: body.id } as unknown as ClientRequest;
      const need = needOf(request);
      const p = learned ? predict(learned, lastUserText(request.body)) : undefined;
      return {
        id: body.id,
        options: entries.map((entry) => ({
          model: entry.alias,
          costNano: expectedCostNano(entry, need),
          // With a learned route: the chance the answer is as good as the strong model's.
          quality: p !== undefined && entry.alias === route?.strong ? 1 : p !== undefined && entry.alias === route?.weak ? 1 - p : entry.quality,
        })),
      };
    });
    const plan = optimizeBatch(items, usdToNano(input.budgetUsd), input.minQuality);
    const counts: Record<string, number> = {};
    for (const model of Object.values(plan.assignment)) counts[model] = (counts[model] ?? 0) + 1;
    return c.json({
      feasible: plan.feasible,
      reason: plan.reason ?? null,
      assignment: plan.assignment,
      models: counts,
      expectedCostUsd: formatUsd(plan.costNano),
      meanQuality: Math.round(plan.meanQuality * 10_000) / 10_000,
      bestQualityCostUsd: formatUsd(plan.bestQualityCostNano),
      savedUsd: formatUsd(plan.savedNano),
    });
  });
}
