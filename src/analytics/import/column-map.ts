/** What a `--map` may set, and the column names recognised without one. */
export const MAP_TARGETS = {
  ts: ['ts', 'timestamp', 'time', 'start_time', 'startTime', 'created_at', 'date'],
  input: ['input', 'input_tokens', 'prompt_tokens', 'inputTokens'],
  output: ['output', 'output_tokens', 'completion_tokens', 'outputTokens'],
  cached: ['cached', 'cache_read_tokens', 'cached_tokens', 'input_cached_tokens'],
  cache_write: ['cache_write', 'cache_write_tokens', 'cache_creation_input_tokens'],
  reasoning: ['reasoning', 'reasoning_tokens'],
  requests: ['requests', 'num_requests', 'num_model_requests'],
  cost: ['cost', 'cost_usd', 'spend'],
  model: ['model'],
  provider: ['provider'],
  org: ['org', 'org_id'],
  project: ['project', 'project_id'],
  user: ['user', 'user_id'],
  key: ['key', 'key_id', 'api_key_id'],
  tags: ['tags'],
  status: ['status'],
  latency: ['latency', 'latency_ms'],
  id: ['id', 'request_id'],
} as const;

export type MapTarget = keyof typeof MAP_TARGETS;

/** Target → source column (or dotted JSON path). */
export type ColumnMap = ReadonlyMap<MapTarget, string>;

/** Parses `ts=TIMESTAMP,input=ContextTokens`; throws with the known targets on a typo. */
export function parseColumnMap(text: string): ColumnMap {
  const map = new Map<MapTarget, string>();
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    const target = (equals < 0 ? part : part.slice(0, equals)).trim();
    const source = equals < 0 ? '' : part.slice(equals + 1).trim();
    if (!Object.hasOwn(MAP_TARGETS, target)) {
      throw new Error(`--map: unknown target '${target}'; known: ${Object.keys(MAP_TARGETS).join(', ')}`);
    }
    if (!source) throw new Error(`--map: '${target}' needs a column, as in ${target}=COLUMN`);
    if (map.has(target as MapTarget)) throw new Error(`--map: '${target}' is mapped twice`);
    map.set(target as MapTarget, source);
  }
  return map;
}

/**
 * The mapping to use over the columns present: explicit `--map` entries first, then any column
 * named like a target (`input_tokens`, `model`, ...). Returns the explicit sources that are absent.
 */
export function resolveColumnMap(explicit: ColumnMap, present: (name: string) => boolean): { map: Map<MapTarget, string>; absent: string[] } {
  const map = new Map<MapTarget, string>();
  const absent: string[] = [];
  for (const [target, source] of explicit) {
    if (present(source)) map.set(target, source);
    else absent.push(`${source} (for ${target})`);
  }
  for (const target of Object.keys(MAP_TARGETS) as MapTarget[]) {
    if (map.has(target) || explicit.has(target)) continue;
    const found = MAP_TARGETS[target].find((name) => present(name));
    if (found) map.set(target, found);
  }
  return { map, absent };
}
