import type pg from 'pg';
import type { FeedbackStore } from '../../routing/feedback.ts';
import { FEEDBACK_INSERT_COLUMNS, feedbackValues, rowToFeedback } from '../sql/feedback-rows.ts';

export function createPostgresFeedbackStore(pool: pg.Pool): FeedbackStore {
  return {
    async insert(feedback) {
      await pool.query(`INSERT INTO feedback (${FEEDBACK_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, feedbackValues(feedback));
    },
    async countForRequest(requestId) {
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM feedback WHERE request_id = $1', [requestId]);
      return Number(rows[0]?.n ?? 0);
    },
    async list(limit) {
      const { rows } = await pool.query('SELECT * FROM feedback ORDER BY time_ms DESC LIMIT $1', [limit]);
      return rows.map(rowToFeedback);
    },
  };
}
