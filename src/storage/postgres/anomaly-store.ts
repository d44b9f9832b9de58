import type pg from 'pg';
import type { AnomalyStore } from '../../analytics/anomalies/types.ts';
import { ANOMALY_COLUMNS, anomalyValues, anomalyWhere, rowToAnomaly } from '../sql/anomaly-rows.ts';

export function createPostgresAnomalyStore(pool: pg.Pool): AnomalyStore {
  return {
    async insertAnomaly(anomaly) {
      await pool.query(`INSERT INTO anomalies (${ANOMALY_COLUMNS.join(', ')}) VALUES (${ANOMALY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, anomalyValues(anomaly));
    },
    async updateAnomaly(anomaly) {
      const [id, ...rest] = anomalyValues(anomaly);
      await pool.query(`UPDATE anomalies SET ${ANOMALY_COLUMNS.slice(1).map((c, i) => `${c} = $${i + 1}`).join(', ')} WHERE id = $${ANOMALY_COLUMNS.length}`, [...rest, id]);
    },
    async getAnomaly(id) {
      const { rows } = await pool.query('SELECT * FROM anomalies WHERE id = $1', [id]);
      return rows[0] ? rowToAnomaly(rows[0] as Record<string, unknown>) : undefined;
    },
    async listAnomalies(query) {
      const { where, params } = anomalyWhere(query, (i) => `$${i}`);
      const { rows } = await pool.query(`SELECT * FROM anomalies ${where} ORDER BY start_ms DESC, id LIMIT $${params.length + 1}`, [...params, query.limit ?? 1_000]);
      return rows.map((row) => rowToAnomaly(row as Record<string, unknown>));
    },
  };
}
