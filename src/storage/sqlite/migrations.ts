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
  // Cost anomalies (issue #13): one row per org + series + kind family + episode, updated while it lasts.
  `CREATE TABLE anomalies (
     id TEXT PRIMARY KEY, org_id TEXT, kind TEXT NOT NULL, severity TEXT NOT NULL, series_dimension TEXT NOT NULL, series_value TEXT,
     start_ms INTEGER NOT NULL, end_ms INTEGER, detected_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, observed REAL NOT NULL,
     expected REAL NOT NULL, at_stake_nano INTEGER NOT NULL, score REAL NOT NULL, root_cause TEXT NOT NULL, status TEXT NOT NULL,
     message TEXT NOT NULL, updated_ms INTEGER NOT NULL
   );
   CREATE INDEX anomalies_start ON anomalies (start_ms);
   CREATE INDEX anomalies_ongoing ON anomalies (end_ms) WHERE end_ms IS NULL;`,
];
