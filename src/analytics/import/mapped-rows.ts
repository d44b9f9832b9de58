import type { ColumnMap, MapTarget } from './column-map.ts';
import { resolveColumnMap } from './column-map.ts';
import { field, isPlainObject, parseCount, parseText, parseTime, parseUsd } from './field-values.ts';
import { columnIndex, type CsvFormat, type JsonFormat } from './format.ts';
import { blankRow, ImportFormatError, RowError, type ImportRow } from './import-row.ts';

/**
 * Any CSV or JSON Lines file with a column mapping (`--map ts=TIMESTAMP,input=ContextTokens`):
 * one row per line, one request each unless a `requests` column says otherwise. The natural key is
 * the mapped `id` when there is one, else the line number with the line's content, so re-importing
 * the same file (or the same file grown at the end) adds nothing.
 */
function rowFrom(get: (source: string) => unknown, map: ReadonlyMap<MapTarget, string>, line: number, content: string): ImportRow {
  const value = (target: MapTarget) => {
    const source = map.get(target);
    return source === undefined ? undefined : get(source);
  };
  const id = parseText(value('id'), 'id', 512);
  const row = blankRow(line, id ? `id:${id}` : `line:${line}:${content}`);
  row.timeMs = parseTime(value('ts'), map.get('ts') ?? 'ts');
  row.inputTokens = parseCount(value('input'), map.get('input') ?? 'input');
  row.outputTokens = parseCount(value('output'), map.get('output') ?? 'output');
  row.cacheReadTokens = parseCount(value('cached'), map.get('cached') ?? 'cached');
  row.cacheWriteTokens = parseCount(value('cache_write'), map.get('cache_write') ?? 'cache_write');
  if (row.cacheReadTokens + row.cacheWriteTokens > row.inputTokens) throw new RowError('cache tokens exceed input tokens');
  row.reasoningTokens = parseCount(value('reasoning'), map.get('reasoning') ?? 'reasoning');
  if (row.reasoningTokens > row.outputTokens) throw new RowError('reasoning tokens exceed output tokens');
  if (map.has('requests')) row.requests = parseCount(value('requests'), map.get('requests')!);
  row.costNanoUsd = parseUsd(value('cost'), map.get('cost') ?? 'cost');
  row.model = parseText(value('model'), 'model') ?? '';
  row.provider = parseText(value('provider'), 'provider');
  row.orgId = parseText(value('org'), 'org');
  row.projectId = parseText(value('project'), 'project');
  row.userId = parseText(value('user'), 'user');
  row.keyId = parseText(value('key'), 'key', 512);
  const tags = value('tags');
  if (Array.isArray(tags)) row.tags = tags.filter((tag): tag is string => typeof tag === 'string').slice(0, 32);
  else if (typeof tags === 'string' && tags.trim()) row.tags = tags.split(/[;|]/).map((tag) => tag.trim()).filter(Boolean).slice(0, 32);
  const status = value('status');
  if (status !== undefined && status !== '') {
    const code = Number(status);
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new RowError(`status: not an HTTP status: ${String(status).slice(0, 20)}`);
    row.status = code;
  }
  if (map.has('latency')) row.latencyMs = parseCount(value('latency'), map.get('latency')!);
  return row;
}

function requireUsable(map: ReadonlyMap<MapTarget, string>, absent: string[], found: string[], line: number): void {
  const problems: string[] = [];
  if (absent.length) problems.push(`mapped column(s) not in the file: ${absent.join(', ')}`);
  if (!map.has('ts')) problems.push('no timestamp column (map one with --map ts=COLUMN)');
  if (!map.has('input') && !map.has('output') && !map.has('cost')) problems.push('no token or cost column (map input=, output= or cost=)');
  if (problems.length) throw new ImportFormatError(line, `${problems.join('; ')} (found: ${found.slice(0, 20).join(', ')})`);
}

export function mappedCsv(explicit: ColumnMap): CsvFormat {
  return {
    container: 'csv',
    header(names, line) {
      const index = columnIndex(names);
      const { map, absent } = resolveColumnMap(explicit, (name) => index.has(name));
      requireUsable(map, absent, [...index.keys()], line);
      return (values, valueLine) => {
        if (values.length !== names.length) throw new RowError(`${values.length} fields, the header has ${names.length}`);
        return [rowFrom((source) => values[index.get(source)!], map, valueLine, values.join('\u0001'))];
      };
    },
  };
}

/** A dotted path (`usage.prompt_tokens`) into a JSON object, own properties only. */
function walk(record: unknown, path: string): unknown {
  if (Object.hasOwn(record as object, path)) return field(record, path);
  let value = record;
  for (const part of path.split('.')) value = field(value, part);
  return value;
}

export function mappedJsonLines(explicit: ColumnMap): JsonFormat {
  let map: Map<MapTarget, string> | undefined;
  return {
    container: 'json',
    rows(record, line, first) {
      if (!isPlainObject(record)) throw new RowError(`expected a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}`);
      if (first || !map) {
        const resolved = resolveColumnMap(explicit, (name) => walk(record, name) !== undefined);
        // JSON Lines objects leave out empty fields: only the time and the usage must be on the
        // first line; other mapped fields may appear later (absent reads as blank).
        const required = new Set<MapTarget>(['ts', 'input', 'output']);
        const absent = resolved.absent.filter((entry) => [...explicit].some(([target, source]) => required.has(target) && entry.startsWith(`${source} (`)));
        for (const [target, source] of explicit) if (!resolved.map.has(target) && !required.has(target)) resolved.map.set(target, source);
        requireUsable(resolved.map, absent, Object.keys(record), line);
        map = resolved.map;
      }
      return [rowFrom((source) => walk(record, source), map, line, JSON.stringify(record))];
    },
  };
}
