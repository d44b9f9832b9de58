import type { AnomalyStore } from '../../analytics/anomalies/types.ts';
import { ANOMALY_COLUMNS, anomalyValues, anomalyWhere, rowToAnomaly } from '../sql/anomaly-rows.ts';
import type { SqliteDatabase } from './open.ts';

export function createSqliteAnomalyStore(db: SqliteDatabase): AnomalyStore {
  const insert = db.prepare(`INSERT INTO anomalies (${ANOMALY_COLUMNS.join(', ')}) VALUES (${ANOMALY_COLUMNS.map(() => '?').join(', ')})`);
  const update = db.prepare(`UPDATE anomalies SET ${ANOMALY_COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
  const get = db.prepare('SELECT * FROM anomalies WHERE id = ?');
  return {
    async insertAnomaly(anomaly) {
      insert.run(...anomalyValues(anomaly));
    },
    async updateAnomaly(anomaly) {
      const [id, ...rest] = anomalyValues(anomaly);
      update.run(...rest, id);
    },
    async getAnomaly(id) {
      const row = get.get(id) as Record<string, unknown> | undefined;
      return row ? rowToAnomaly(row) : undefined;
    },
    async listAnomalies(query) {
      const { where, params } = anomalyWhere(query, () => '?');
      const rows = db.prepare(`SELECT * FROM anomalies ${where} ORDER BY start_ms DESC, id LIMIT ?`).all(...params, query.limit ?? 1_000) as Record<string, unknown>[];
      return rows.map(rowToAnomaly);
    },
  };
}
