import type { FeedbackStore } from '../../routing/feedback.ts';
import { FEEDBACK_INSERT_COLUMNS, feedbackValues, rowToFeedback } from '../sql/feedback-rows.ts';
import type { SqliteDatabase } from './open.ts';

export function createSqliteFeedbackStore(db: SqliteDatabase): FeedbackStore {
  const insert = db.prepare(`INSERT INTO feedback (${FEEDBACK_INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    async insert(feedback) {
      insert.run(...feedbackValues(feedback));
    },
    async countForRequest(requestId) {
      return (db.prepare('SELECT count(*) AS n FROM feedback WHERE request_id = ?').get(requestId) as { n: number }).n;
    },
    async list(limit) {
      return (db.prepare('SELECT * FROM feedback ORDER BY time_ms DESC LIMIT ?').all(limit) as Record<string, unknown>[]).map(rowToFeedback);
    },
  };
}
