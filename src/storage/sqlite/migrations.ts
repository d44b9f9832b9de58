/** Ordered schema migrations for the embedded store; applied once each, in a transaction. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE ledger (
     id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT, key_id TEXT,
     tags TEXT NOT NULL, operation TEXT NOT NULL, wire TEXT NOT NULL, stream INTEGER NOT NULL, requested_model TEXT NOT NULL,
     served_model TEXT, provider TEXT, input_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, units TEXT NOT NULL, input_cost_nano INTEGER NOT NULL,
     output_cost_nano INTEGER NOT NULL, cost_nano INTEGER NOT NULL, priced INTEGER NOT NULL, estimated INTEGER NOT NULL,
     latency_ms INTEGER NOT NULL, ttft_ms INTEGER, status INTEGER NOT NULL, error_code TEXT, cache_status TEXT,
     saved_nano INTEGER NOT NULL, route TEXT, budget_action TEXT
   );
   CREATE INDEX ledger_time ON ledger (time_ms);
   CREATE INDEX ledger_project_time ON ledger (project_id, time_ms);
   CREATE TABLE ledger_hourly (
     hour_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, key_id TEXT NOT NULL,
     model TEXT NOT NULL, provider TEXT NOT NULL, requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL, cost_nano INTEGER NOT NULL, saved_nano INTEGER NOT NULL, errors INTEGER NOT NULL,
     unpriced INTEGER NOT NULL, estimated INTEGER NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, user_id, key_id, model, provider)
   );
   CREATE TABLE virtual_keys (
     id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, name TEXT NOT NULL, org_id TEXT NOT NULL,
     project_id TEXT NOT NULL, user_id TEXT, tags TEXT NOT NULL, allow_attribution INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
     revoked_at_ms INTEGER
   );`,
  `CREATE TABLE budget_alerts (
     id TEXT PRIMARY KEY, time_ms INTEGER NOT NULL, budget_id TEXT NOT NULL, window_start_ms INTEGER NOT NULL, kind TEXT NOT NULL,
     spent_nano INTEGER NOT NULL, limit_nano INTEGER NOT NULL, message TEXT NOT NULL,
     UNIQUE (budget_id, window_start_ms, kind)
   );
   CREATE TABLE budgets (id TEXT PRIMARY KEY, definition TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);`,
  `CREATE TABLE feedback (
     id TEXT PRIMARY KEY, request_id TEXT NOT NULL, time_ms INTEGER NOT NULL, score REAL NOT NULL, comment TEXT,
     target TEXT, cache_status TEXT
   );
   CREATE INDEX feedback_request ON feedback (request_id);`,
  `ALTER TABLE ledger ADD COLUMN quality REAL`,
  `ALTER TABLE feedback ADD COLUMN prompt TEXT`,
  `ALTER TABLE ledger ADD COLUMN cache_key TEXT;
   ALTER TABLE ledger ADD COLUMN prompt TEXT`,
  `CREATE TABLE semantic_cache (
     id TEXT PRIMARY KEY, namespace TEXT NOT NULL, embedder_id TEXT NOT NULL, text TEXT NOT NULL, vector BLOB NOT NULL,
     answer TEXT NOT NULL, created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL
   );
   CREATE INDEX semantic_cache_expiry ON semantic_cache (expires_at_ms);`,
  `ALTER TABLE ledger ADD COLUMN request_body TEXT`,
  // Per-key limits (rate, expiry, models, caps) as one JSON object; NULL for keys created before (no limits).
  `ALTER TABLE virtual_keys ADD COLUMN limits TEXT`,
  // The structured route decision (JSON). `route` keeps its short summary. Rows from before become a
  // decision with that summary, and, read once here so no report parses text again, the fallbacks
  // and the experiment arm the old string named.
  `ALTER TABLE ledger ADD COLUMN route_decision TEXT;
   UPDATE ledger SET route_decision = json_object('summary', route) WHERE route IS NOT NULL;
   UPDATE ledger SET route_decision = json_set(route_decision, '$.fallbacks', (length(route) - length(replace(route, 'fallback:', ''))) / 9)
     WHERE route LIKE '%fallback:%';
   ${(['control', 'candidate', 'shadow'] as const)
     .map(
       (arm) => `UPDATE ledger SET route_decision = json_set(route_decision, '$.experiment',
         json_object('name', substr(route, 12, instr(route, ':${arm}') - 12), 'arm', '${arm}'))
         WHERE route LIKE 'experiment:%:${arm}' OR route LIKE 'experiment:%:${arm} %';`,
     )
     .join('\n   ')}`,
  // Reports (#13): the hourly rollup gains cache status, route target, origin (gateway/import) and a latency
  // sum, and a daily rollup (same keys) and a tag rollup are added; both are rebuilt from the raw rows so they stay exact.
  `CREATE TABLE ledger_hourly_next (
     hour_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, key_id TEXT NOT NULL,
     model TEXT NOT NULL, provider TEXT NOT NULL, cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL, cost_nano INTEGER NOT NULL, saved_nano INTEGER NOT NULL, errors INTEGER NOT NULL,
     unpriced INTEGER NOT NULL, estimated INTEGER NOT NULL, latency_ms INTEGER NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, user_id, key_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_hourly_next
   SELECT (time_ms / 3600000) * 3600000, org_id, project_id, COALESCE(user_id, ''), COALESCE(key_id, ''), COALESCE(served_model, requested_model),
     COALESCE(provider, ''), COALESCE(cache_status, ''), CASE WHEN json_valid(route_decision) THEN COALESCE(json_extract(route_decision, '$.chosen'), json_extract(route_decision, '$.target'), route, '') ELSE COALESCE(route, '') END, 'gateway',
     COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
     SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
     SUM(CASE WHEN priced = 0 AND status < 400 THEN 1 ELSE 0 END), SUM(CASE WHEN estimated = 1 THEN 1 ELSE 0 END), SUM(latency_ms)
   FROM ledger GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
   DROP TABLE ledger_hourly;
   ALTER TABLE ledger_hourly_next RENAME TO ledger_hourly;
   CREATE TABLE ledger_daily (
     day_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, key_id TEXT NOT NULL,
     model TEXT NOT NULL, provider TEXT NOT NULL, cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_nano INTEGER NOT NULL, saved_nano INTEGER NOT NULL, errors INTEGER NOT NULL,
     unpriced INTEGER NOT NULL, estimated INTEGER NOT NULL, latency_ms INTEGER NOT NULL,
     PRIMARY KEY (day_ms, org_id, project_id, user_id, key_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_daily
   SELECT (hour_ms / 86400000) * 86400000, org_id, project_id, user_id, key_id, model, provider, cache_status, route, origin,
     SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(errors), SUM(unpriced), SUM(estimated), SUM(latency_ms)
   FROM ledger_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
   CREATE TABLE ledger_hourly_tags (
     hour_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, tag TEXT NOT NULL,
     requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
     reasoning_tokens INTEGER NOT NULL, cost_nano INTEGER NOT NULL, saved_nano INTEGER NOT NULL, errors INTEGER NOT NULL,
     unpriced INTEGER NOT NULL, estimated INTEGER NOT NULL, latency_ms INTEGER NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, tag)
   );
   INSERT INTO ledger_hourly_tags
   SELECT (time_ms / 3600000) * 3600000, org_id, project_id, COALESCE(tagged.tag_value, ''),
     COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
     SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
     SUM(CASE WHEN priced = 0 AND status < 400 THEN 1 ELSE 0 END), SUM(CASE WHEN estimated = 1 THEN 1 ELSE 0 END), SUM(latency_ms)
   FROM ledger LEFT JOIN (SELECT DISTINCT ledger.id AS tag_row, tag_each.value AS tag_value FROM ledger, json_each(ledger.tags) AS tag_each) tagged ON tagged.tag_row = ledger.id GROUP BY 1, 2, 3, 4;`,
  // Imported usage (tollgate import): where a row came from, and how many requests it stands for
  // (provider exports are aggregates; a cost-only line is 0). Existing rows are gateway requests, one each.
  `ALTER TABLE ledger ADD COLUMN origin TEXT NOT NULL DEFAULT 'gateway';
   ALTER TABLE ledger ADD COLUMN request_count INTEGER NOT NULL DEFAULT 1`,
  // Cost anomalies (issue #13): one row per org + series + kind family + episode, updated while it lasts.
  `CREATE TABLE anomalies (
     id TEXT PRIMARY KEY, org_id TEXT, kind TEXT NOT NULL, severity TEXT NOT NULL, series_dimension TEXT NOT NULL, series_value TEXT,
     start_ms INTEGER NOT NULL, end_ms INTEGER, detected_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, observed REAL NOT NULL,
     expected REAL NOT NULL, at_stake_nano INTEGER NOT NULL, score REAL NOT NULL, root_cause TEXT NOT NULL, status TEXT NOT NULL,
     message TEXT NOT NULL, updated_ms INTEGER NOT NULL
   );
   CREATE INDEX anomalies_start ON anomalies (start_ms);
   CREATE INDEX anomalies_ongoing ON anomalies (end_ms) WHERE end_ms IS NULL;`,
  // Fallbacks fired (routing analytics): the rollups do not keep them, so the count reads raw rows; this partial
  // index holds only the rows whose decision called a fallback. Its condition is the text of the store's
  // \`fellBack\` condition (ledger-store.ts), which the planner matches term by term (tested).
  `CREATE INDEX ledger_fell_back ON ledger (time_ms) WHERE (route_decision IS NOT NULL AND CASE WHEN json_valid(route_decision) AND json_type(route_decision, '$.fallbacks') IN ('integer', 'real') THEN json_extract(route_decision, '$.fallbacks') > 0 ELSE 0 END)`,
  // Narrow rollups (the dashboard, #14): the hourly and daily rollups without user and key, filled from them. A
  // gateway with many users and keys has about one hourly rollup row per request; these keep a few dozen an hour.
  `CREATE TABLE ledger_hourly_narrow (
     hour_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
     cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_nano INTEGER NOT NULL, saved_nano INTEGER NOT NULL, errors INTEGER NOT NULL, unpriced INTEGER NOT NULL, estimated INTEGER NOT NULL, latency_ms INTEGER NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_hourly_narrow
   SELECT hour_ms, org_id, project_id, model, provider, cache_status, route, origin,
     SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(errors), SUM(unpriced), SUM(estimated), SUM(latency_ms)
   FROM ledger_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
   CREATE TABLE ledger_daily_narrow (
     day_ms INTEGER NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
     cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_nano INTEGER NOT NULL, saved_nano INTEGER NOT NULL, errors INTEGER NOT NULL, unpriced INTEGER NOT NULL, estimated INTEGER NOT NULL, latency_ms INTEGER NOT NULL,
     PRIMARY KEY (day_ms, org_id, project_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_daily_narrow
   SELECT day_ms, org_id, project_id, model, provider, cache_status, route, origin,
     SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(errors), SUM(unpriced), SUM(estimated), SUM(latency_ms)
   FROM ledger_daily GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;`,
];
