import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LedgerRecord } from '../../ledger/record.ts';
import type { Feedback } from '../../routing/feedback.ts';
import type { Runtime } from '../runtime.ts';

/** The body of `POST /api/feedback` (admin) and `POST /v1/feedback` (virtual key). */
export const feedbackSchema = z
  .object({
    requestId: z.string().min(1).max(200),
    /** 0 (wrong) .. 1 (right); booleans are accepted. */
    score: z.union([z.number().min(0).max(1), z.boolean().transform((value) => (value ? 1 : 0))]),
    comment: z.string().max(2_000).optional(),
    /** The prompt of the request (the ledger does not keep bodies), so the learned router can train on this verdict. */
    prompt: z.string().max(100_000).optional(),
  })
  .strict();

export type FeedbackInput = z.infer<typeof feedbackSchema>;

/** A score below this says the answer was wrong: a cached copy of it is evicted. */
export const WRONG_BELOW = 0.5;

/**
 * Records a verdict on the request `row` (already found and authorised by the caller): stores it,
 * tells the router's quality model (the first verdict on a request only), and, when the answer was wrong and is cached, evicts every copy
 * of it (the exact entry and each semantic entry holding it, on every instance).
 */
export async function submitFeedback(runtime: Runtime, row: LedgerRecord, input: FeedbackInput): Promise<{ feedback: Feedback; evicted: boolean; evictedEntries: number }> {
  const target = row.provider ? `${row.servedModel ?? row.requestedModel}@${row.provider}` : null;
  const feedback: Feedback = { id: randomUUID(), requestId: row.id, timeMs: runtime.deps.now(), score: input.score, comment: input.comment ?? null, target, cacheStatus: row.cacheStatus, prompt: input.prompt ?? null };
  // One verdict per request moves the router's quality estimate (shared by every org): rating the same answer again is kept, not counted again.
  const first = (await runtime.feedback.countForRequest(row.id)) === 0;
  await runtime.feedback.insert(feedback);
  // Explicit feedback weighs five automatic signals.
  if (target && first) runtime.router.quality.observe(target, '*', input.score, 5);
  const cache = runtime.deps.cache;
  // The row's cache key is the exact key it was looked up (and, on a miss, stored) under, or `semantic:<id>` for a semantic hit.
  const cached = row.cacheStatus === 'hit' || row.cacheStatus === 'semantic-hit' || row.cacheStatus === 'miss';
  const evictedEntries = cache && input.score < WRONG_BELOW && cached && row.cacheKey && row.status < 400 ? await cache.markWrong(row.cacheKey, cache.namespaceOf(row.orgId)) : 0;
  return { feedback, evicted: evictedEntries > 0, evictedEntries };
}
