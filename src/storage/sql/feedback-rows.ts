import type { Feedback } from '../../routing/feedback.ts';

export const FEEDBACK_INSERT_COLUMNS = 'id, request_id, time_ms, score, comment, target, cache_status, prompt';

export function feedbackValues(f: Feedback): unknown[] {
  return [f.id, f.requestId, f.timeMs, f.score, f.comment, f.target, f.cacheStatus, f.prompt];
}

export function rowToFeedback(row: Record<string, unknown>): Feedback {
  return {
    id: String(row.id),
    requestId: String(row.request_id),
    timeMs: Number(row.time_ms),
    score: Number(row.score),
    comment: row.comment === null || row.comment === undefined ? null : String(row.comment),
    target: row.target === null || row.target === undefined ? null : String(row.target),
    cacheStatus: row.cache_status === null || row.cache_status === undefined ? null : String(row.cache_status),
    prompt: row.prompt === null || row.prompt === undefined ? null : String(row.prompt),
  };
}
