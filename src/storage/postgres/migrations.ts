/** Ordered schema migrations for PostgreSQL; applied once each under an advisory lock. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE ledger (
     id TEXT PRIMARY KEY, time_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT, key_id TEXT,
     tags JSONB NOT NULL, operation TEXT NOT NULL, wire TEXT NOT NULL, stream BOOLEAN NOT NULL, requested_model TEXT NOT NULL,
     served_model TEXT, provider TEXT, input_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, units JSONB NOT NULL, input_cost_nano BIGINT NOT NULL,
     output_cost_nano BIGINT NOT NULL, cost_nano BIGINT NOT NULL, priced BOOLEAN NOT NULL, estimated BOOLEAN NOT NULL,
     latency_ms BIGINT NOT NULL, ttft_ms BIGINT, status INTEGER NOT NULL, error_code TEXT, cache_status TEXT,
     saved_nano BIGINT NOT NULL, route TEXT, budget_action TEXT
   );
   CREATE INDEX ledger_time ON ledger (time_ms);
   CREATE INDEX ledger_project_time ON ledger (project_id, time_ms);
   CREATE TABLE ledger_hourly (
     hour_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, key_id TEXT NOT NULL,
     model TEXT NOT NULL, provider TEXT NOT NULL, requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL,
     cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
     reasoning_tokens BIGINT NOT NULL, cost_nano BIGINT NOT NULL, saved_nano BIGINT NOT NULL, errors BIGINT NOT NULL,
     unpriced BIGINT NOT NULL, estimated BIGINT NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, user_id, key_id, model, provider)
   );
   CREATE TABLE virtual_keys (
     id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, name TEXT NOT NULL, org_id TEXT NOT NULL,
     project_id TEXT NOT NULL, user_id TEXT, tags JSONB NOT NULL, allow_attribution BOOLEAN NOT NULL, created_at_ms BIGINT NOT NULL,
     revoked_at_ms BIGINT
   );`,
  `CREATE TABLE budget_alerts (
     id TEXT PRIMARY KEY, time_ms BIGINT NOT NULL, budget_id TEXT NOT NULL, window_start_ms BIGINT NOT NULL, kind TEXT NOT NULL,
     spent_nano BIGINT NOT NULL, limit_nano BIGINT NOT NULL, message TEXT NOT NULL,
     UNIQUE (budget_id, window_start_ms, kind)
   );
   CREATE TABLE budgets (id TEXT PRIMARY KEY, definition JSONB NOT NULL, updated_at_ms BIGINT NOT NULL);`,
  `CREATE TABLE feedback (
     id TEXT PRIMARY KEY, request_id TEXT NOT NULL, time_ms BIGINT NOT NULL, score DOUBLE PRECISION NOT NULL, comment TEXT,
     target TEXT, cache_status TEXT
   );
   CREATE INDEX feedback_request ON feedback (request_id);`,
  `ALTER TABLE ledger ADD COLUMN quality DOUBLE PRECISION`,
  `ALTER TABLE feedback ADD COLUMN prompt TEXT`,
  `ALTER TABLE ledger ADD COLUMN cache_key TEXT;
   ALTER TABLE ledger ADD COLUMN prompt TEXT`,
  `CREATE TABLE semantic_cache (
     id TEXT PRIMARY KEY, namespace TEXT NOT NULL, embedder_id TEXT NOT NULL, text TEXT NOT NULL, vector BYTEA NOT NULL,
     answer TEXT NOT NULL, created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL
   );
   CREATE INDEX semantic_cache_expiry ON semantic_cache (expires_at_ms);`,
  `ALTER TABLE ledger ADD COLUMN request_body TEXT`,
  // Per-key limits (rate, expiry, models, caps) as one JSON object; NULL for keys created before (no limits).
  `ALTER TABLE virtual_keys ADD COLUMN limits JSONB`,
  // The structured route decision. `route` keeps its short summary. Rows from before become a decision
  // with that summary, and, read once here so no report parses text again, the fallbacks and the
  // experiment arm the old string named.
  `ALTER TABLE ledger ADD COLUMN route_decision JSONB;
   UPDATE ledger SET route_decision = jsonb_build_object('summary', route) WHERE route IS NOT NULL;
   UPDATE ledger SET route_decision = route_decision || jsonb_build_object('fallbacks', (length(route) - length(replace(route, 'fallback:', ''))) / 9)
     WHERE route LIKE '%fallback:%';
   UPDATE ledger SET route_decision = ledger.route_decision || jsonb_build_object('experiment', jsonb_build_object('name', x.m[1], 'arm', x.m[2]))
     FROM (SELECT id, regexp_match(route, '^experiment:(.*):(control|candidate|shadow)( |$)') AS m FROM ledger WHERE route LIKE 'experiment:%') x
     WHERE ledger.id = x.id AND x.m IS NOT NULL;`,
  // Reports (#13): the hourly rollup gains cache status, route target, origin (gateway/import) and a latency
  // sum, and a daily rollup (same keys) and a tag rollup are added; both are rebuilt from the raw rows so they stay exact.
  `CREATE TABLE ledger_hourly_next (
     hour_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, key_id TEXT NOT NULL,
     model TEXT NOT NULL, provider TEXT NOT NULL, cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL,
     cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
     reasoning_tokens BIGINT NOT NULL, cost_nano BIGINT NOT NULL, saved_nano BIGINT NOT NULL, errors BIGINT NOT NULL,
     unpriced BIGINT NOT NULL, estimated BIGINT NOT NULL, latency_ms BIGINT NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, user_id, key_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_hourly_next
   SELECT (time_ms / 3600000) * 3600000, org_id, project_id, COALESCE(user_id, ''), COALESCE(key_id, ''), COALESCE(served_model, requested_model),
     COALESCE(provider, ''), COALESCE(cache_status, ''), COALESCE(route_decision->>'chosen', route_decision->>'target', route, ''), 'gateway',
     COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
     SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
     SUM(CASE WHEN NOT priced AND status < 400 THEN 1 ELSE 0 END), SUM(CASE WHEN estimated THEN 1 ELSE 0 END), SUM(latency_ms)
   FROM ledger GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
   DROP TABLE ledger_hourly;
   ALTER TABLE ledger_hourly_next RENAME TO ledger_hourly;
   CREATE TABLE ledger_daily (
     day_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, user_id TEXT NOT NULL, key_id TEXT NOT NULL,
     model TEXT NOT NULL, provider TEXT NOT NULL, cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL,
     output_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, cost_nano BIGINT NOT NULL, saved_nano BIGINT NOT NULL, errors BIGINT NOT NULL,
     unpriced BIGINT NOT NULL, estimated BIGINT NOT NULL, latency_ms BIGINT NOT NULL,
     PRIMARY KEY (day_ms, org_id, project_id, user_id, key_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_daily
   SELECT (hour_ms / 86400000) * 86400000, org_id, project_id, user_id, key_id, model, provider, cache_status, route, origin,
     SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(errors), SUM(unpriced), SUM(estimated), SUM(latency_ms)
   FROM ledger_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
   CREATE TABLE ledger_hourly_tags (
     hour_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, tag TEXT NOT NULL,
     requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL,
     cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
     reasoning_tokens BIGINT NOT NULL, cost_nano BIGINT NOT NULL, saved_nano BIGINT NOT NULL, errors BIGINT NOT NULL,
     unpriced BIGINT NOT NULL, estimated BIGINT NOT NULL, latency_ms BIGINT NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, tag)
   );
   INSERT INTO ledger_hourly_tags
   SELECT (time_ms / 3600000) * 3600000, org_id, project_id, COALESCE(tagged.tag_value, ''),
     COUNT(*), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens),
     SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END),
     SUM(CASE WHEN NOT priced AND status < 400 THEN 1 ELSE 0 END), SUM(CASE WHEN estimated THEN 1 ELSE 0 END), SUM(latency_ms)
   FROM ledger LEFT JOIN LATERAL (SELECT DISTINCT value AS tag_value FROM jsonb_array_elements_text(ledger.tags) AS tag_each(value)) tagged ON TRUE GROUP BY 1, 2, 3, 4;`,
  // Imported usage (tollgate import): where a row came from, and how many requests it stands for
  // (provider exports are aggregates; a cost-only line is 0). Existing rows are gateway requests, one each.
  `ALTER TABLE ledger ADD COLUMN origin TEXT NOT NULL DEFAULT 'gateway';
   ALTER TABLE ledger ADD COLUMN request_count BIGINT NOT NULL DEFAULT 1`,
  // Cost anomalies (issue #13): one row per org + series + kind family + episode, updated while it lasts.
  `CREATE TABLE anomalies (
     id TEXT PRIMARY KEY, org_id TEXT, kind TEXT NOT NULL, severity TEXT NOT NULL, series_dimension TEXT NOT NULL, series_value TEXT,
     start_ms BIGINT NOT NULL, end_ms BIGINT, detected_ms BIGINT NOT NULL, last_seen_ms BIGINT NOT NULL, observed DOUBLE PRECISION NOT NULL,
     expected DOUBLE PRECISION NOT NULL, at_stake_nano BIGINT NOT NULL, score DOUBLE PRECISION NOT NULL, root_cause JSONB NOT NULL, status TEXT NOT NULL,
     message TEXT NOT NULL, updated_ms BIGINT NOT NULL
   );
   CREATE INDEX anomalies_start ON anomalies (start_ms);
   CREATE INDEX anomalies_ongoing ON anomalies (end_ms) WHERE end_ms IS NULL;`,
  // Fallbacks fired (routing analytics): a partial index of the rows whose decision called a fallback, on the
  // text of the store's \`fellBack\` condition (ledger-store.ts), so the count reads those rows only.
  `CREATE INDEX ledger_fell_back ON ledger (time_ms) WHERE (CASE WHEN jsonb_typeof(route_decision->'fallbacks') = 'number' THEN (route_decision->>'fallbacks')::numeric > 0 ELSE FALSE END)`,
  // Narrow rollups (the dashboard, #14): the hourly and daily rollups without user and key, filled from them. A
  // gateway with many users and keys has about one hourly rollup row per request; these keep a few dozen an hour.
  `CREATE TABLE ledger_hourly_narrow (
     hour_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
     cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, cost_nano BIGINT NOT NULL, saved_nano BIGINT NOT NULL, errors BIGINT NOT NULL, unpriced BIGINT NOT NULL, estimated BIGINT NOT NULL, latency_ms BIGINT NOT NULL,
     PRIMARY KEY (hour_ms, org_id, project_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_hourly_narrow
   SELECT hour_ms, org_id, project_id, model, provider, cache_status, route, origin,
     SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(errors), SUM(unpriced), SUM(estimated), SUM(latency_ms)
   FROM ledger_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
   CREATE TABLE ledger_daily_narrow (
     day_ms BIGINT NOT NULL, org_id TEXT NOT NULL, project_id TEXT NOT NULL, model TEXT NOT NULL, provider TEXT NOT NULL,
     cache_status TEXT NOT NULL, route TEXT NOT NULL, origin TEXT NOT NULL,
     requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, cost_nano BIGINT NOT NULL, saved_nano BIGINT NOT NULL, errors BIGINT NOT NULL, unpriced BIGINT NOT NULL, estimated BIGINT NOT NULL, latency_ms BIGINT NOT NULL,
     PRIMARY KEY (day_ms, org_id, project_id, model, provider, cache_status, route, origin)
   );
   INSERT INTO ledger_daily_narrow
   SELECT day_ms, org_id, project_id, model, provider, cache_status, route, origin,
     SUM(requests), SUM(input_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cost_nano), SUM(saved_nano), SUM(errors), SUM(unpriced), SUM(estimated), SUM(latency_ms)
   FROM ledger_daily GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;`,
];
