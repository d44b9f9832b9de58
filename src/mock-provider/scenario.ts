import type { IncomingHttpHeaders } from 'node:http';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { asRecord, type JsonObject } from './read.ts';
import type { MockDirective, MockFailure, MockScenarioName, MockToolDirective, MockUsage } from './types.ts';

/** Named presets, for `x-mock-scenario` and `setScenario`. */
export const SCENARIOS: Readonly<Record<MockScenarioName, MockDirective>> = {
  ok: {},
  'bad-request': { fail: { status: 400 } },
  unauthorized: { fail: { status: 401 } },
  forbidden: { fail: { status: 403 } },
  'not-found': { fail: { status: 404 } },
  'rate-limited': { fail: { status: 429 } },
  'server-error': { fail: { status: 500 } },
  unavailable: { fail: { status: 503 } },
  overloaded: { fail: { status: 529 } },
  garbage: { garbage: true },
  'drop-mid-stream': { dropAfterChunks: 2 },
  'stream-error': { errorAfterChunks: 2 },
  hang: { hangMs: 600_000 },
  slow: { latencyMs: 250, ttftMs: 250, chunkDelayMs: 25 },
  'no-usage': { noUsage: true },
  'tool-call': { tool: true },
};

/** A validated directive, or why it is invalid. */
export type DirectiveResult = { ok: true; directive: MockDirective } | { ok: false; error: string };

const COUNT_FIELDS = ['latencyMs', 'ttftMs', 'chunkDelayMs', 'chunks', 'dropAfterChunks', 'errorAfterChunks', 'hangMs'] as const;
const USAGE_FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h', 'reasoning'] as const;

/**
 * Validates a directive from a body's `mock` field or headers. Strict: an unknown field or a
 * wrong type is an error (a typo in a test should fail loudly, not be ignored).
 */
export function parseDirective(value: unknown): DirectiveResult {
  const input = asRecord(value);
  if (!input) return { ok: false, error: 'mock directive must be an object' };
  const directive: MockDirective = {};
  for (const [field, raw] of Object.entries(input)) {
    const error = assignField(directive, field, raw);
    if (error) return { ok: false, error };
  }
  return { ok: true, directive };
}

function assignField(directive: MockDirective, field: string, raw: unknown): string | undefined {
  if ((COUNT_FIELDS as readonly string[]).includes(field)) {
    const count = readCount(raw);
    if (count === undefined) return `mock.${field} must be a non-negative number`;
    directive[field as (typeof COUNT_FIELDS)[number]] = count;
    return undefined;
  }
  switch (field) {
    case 'garbage':
    case 'noUsage':
    case 'echoHeaders':
      if (typeof raw !== 'boolean') return `mock.${field} must be a boolean`;
      directive[field] = raw;
      return undefined;
    case 'text':
    case 'key':
      if (typeof raw !== 'string' && typeof raw !== 'number') return `mock.${field} must be a string`;
      directive[field] = String(raw);
      return undefined;
    case 'usage':
      return assignUsage(directive, raw);
    case 'fail':
      return assignFailure(directive, raw);
    case 'tool':
      return assignTool(directive, raw);
    default:
      return `unknown mock directive field '${field}'`;
  }
}

function assignUsage(directive: MockDirective, raw: unknown): string | undefined {
  const input = asRecord(raw);
  if (!input) return 'mock.usage must be an object';
  const usage: MockUsage = {};
  for (const [field, value] of Object.entries(input)) {
    if (!(USAGE_FIELDS as readonly string[]).includes(field)) return `unknown mock.usage field '${field}'`;
    const count = readCount(value);
    if (count === undefined) return `mock.usage.${field} must be a non-negative number`;
    usage[field as (typeof USAGE_FIELDS)[number]] = Math.floor(count);
  }
  directive.usage = usage;
  return undefined;
}

function assignFailure(directive: MockDirective, raw: unknown): string | undefined {
  // `fail: 500` is shorthand for `fail: {status: 500}` (handy in an `x-mock-fail` header).
  const input: JsonObject | undefined = typeof raw === 'number' ? { status: raw } : asRecord(raw);
  if (!input) return 'mock.fail must be an object or a status number';
  const status = readCount(input.status);
  if (status === undefined || status < 100 || status > 599) return 'mock.fail.status must be an HTTP status';
  const failure: MockFailure = { status: Math.floor(status) };
  for (const [field, value] of Object.entries(input)) {
    if (field === 'status') continue;
    if (field === 'body' || field === 'message' || field === 'type') {
      if (typeof value !== 'string') return `mock.fail.${field} must be a string`;
      failure[field] = value;
    } else if (field === 'times' || field === 'retryAfterMs') {
      const count = readCount(value);
      if (count === undefined) return `mock.fail.${field} must be a non-negative number`;
      failure[field] = count;
    } else {
      return `unknown mock.fail field '${field}'`;
    }
  }
  directive.fail = failure;
  return undefined;
}

function assignTool(directive: MockDirective, raw: unknown): string | undefined {
  if (typeof raw === 'boolean' || typeof raw === 'string') {
    directive.tool = raw;
    return undefined;
  }
  const input = asRecord(raw);
  if (!input || typeof input.name !== 'string') return 'mock.tool must be a boolean, a tool name or {name, arguments}';
  const tool: MockToolDirective = { name: input.name };
  if (input.arguments !== undefined) {
    const args = asRecord(input.arguments);
    if (!args) return 'mock.tool.arguments must be an object';
    tool.arguments = args;
  }
  directive.tool = tool;
  return undefined;
}

function readCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Resolves `x-mock-scenario`: comma-separated preset names, or a JSON directive. */
export function parseScenario(value: string): DirectiveResult {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const parsed = safeParseJson(trimmed);
    return parsed.ok ? parseDirective(parsed.value) : { ok: false, error: `x-mock-scenario is not valid JSON: ${parsed.error}` };
  }
  let directive: MockDirective = {};
  for (const name of trimmed.split(',')) {
    const preset = scenarioByName(name.trim());
    if (!preset) return { ok: false, error: `unknown mock scenario '${name.trim()}' (known: ${Object.keys(SCENARIOS).join(', ')})` };
    directive = mergeDirectives(directive, preset);
  }
  return { ok: true, directive };
}

/** The preset of that name, if there is one. */
export function scenarioByName(name: string): MockDirective | undefined {
  return Object.hasOwn(SCENARIOS, name) ? SCENARIOS[name as MockScenarioName] : undefined;
}

/**
 * Reads `x-mock-scenario` and the `x-mock-<field>` headers (`x-mock-latency-ms` → `latencyMs`).
 * Header values are parsed as JSON when they can be (`20`, `true`, `{"input":5}`), else taken as text.
 * Returns undefined when the request carries no `x-mock-*` header.
 */
export function directiveFromHeaders(headers: IncomingHttpHeaders): DirectiveResult | undefined {
  let scenario: MockDirective | undefined;
  let fields: JsonObject | undefined;
  for (const name in headers) {
    if (!name.startsWith('x-mock-')) continue;
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    if (name === 'x-mock-scenario') {
      const result = parseScenario(value);
      if (!result.ok) return result;
      scenario = result.directive;
      continue;
    }
    const parsed = safeParseJson(value);
    fields ??= {};
    fields[camelCase(name.slice('x-mock-'.length))] = parsed.ok ? parsed.value : value;
  }
  if (!scenario && !fields) return undefined;
  if (!fields) return { ok: true, directive: scenario ?? {} };
  const result = parseDirective(fields);
  if (!result.ok) return { ok: false, error: `${result.error} (from x-mock-* headers)` };
  return { ok: true, directive: mergeDirectives(scenario ?? {}, result.directive) };
}

function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** `over` wins field by field; `usage` merges field by field too. */
export function mergeDirectives(base: MockDirective, over: MockDirective): MockDirective {
  const merged: MockDirective = { ...base, ...over };
  if (base.usage && over.usage) merged.usage = { ...base.usage, ...over.usage };
  return merged;
}

/** True when the directive changes nothing, so the request can take the fast path. */
export function isEmptyDirective(directive: MockDirective): boolean {
  for (const _ in directive) return false;
  return true;
}
