import { hash } from 'node:crypto';
import type { Operation, WireFormat } from '../domain/request.ts';
import { neutralRequestView } from './neutral-request.ts';

/** Fields that never change the answer: left out of the key. */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/**
 * The exact-cache key of a request: SHA-256 over a canonical form of every output-relevant field
 * (object keys sorted, runs of whitespace inside strings collapsed and trimmed), scoped by a
 * namespace (the tenant, unless the operator shares one) and the wire and operation. Pure.
 */
export function exactCacheKey(namespace: string, wire: string, operation: string, body: Record<string, unknown>): string {
  return sha256Hex(`${namespace}\u0000${wire}\u0000${operation}\u0000${canonicalJson(fieldsExcept(body, IGNORED))}`);
}

/**
 * A body's own defined fields outside `ignored`, for a key. The copy has no prototype, so a parsed
 * body's own `__proto__` field stays a field (assigned onto `{}` it would set the prototype, or be
 * dropped) and keys like any other. Pure.
 */
export function fieldsExcept(body: Record<string, unknown>, ignored: ReadonlySet<string>): Record<string, unknown> {
  const fields = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(body)) if (!ignored.has(key) && value !== undefined) fields[key] = value;
  return fields;
}

/**
 * The cache key of a client request: over its neutral view when it has one (a chat request on
 * either wire: an OpenAI client and an Anthropic client asking the same of the same model share
 * it), else the wire's own key (legacy completions, embeddings). Pure.
 */
export function requestCacheKey(namespace: string, wire: WireFormat, operation: Operation, body: Record<string, unknown>): string {
  return keyOf(namespace, wire, operation, body, neutralMaterial(wire, operation, body));
}

/** `requestCacheKey` from material already read (`neutralMaterial`), so a request's body is canonicalised once for every key it needs. */
export function keyOf(namespace: string, wire: WireFormat, operation: Operation, body: Record<string, unknown>, material: NeutralMaterial | undefined): string {
  if (!material) return exactCacheKey(namespace, wire, operation, body);
  return sha256Hex(`${namespace}\u0000neutral\u0000chat\u0000${material.canonical}`);
}

/**
 * A request's neutral view and its canonical JSON, read once and shared by the exact key and the
 * semantic cache's context digest (which is the same canonical form without the last turn: built
 * from the same per-turn pieces instead of canonicalising the view again).
 */
export class NeutralMaterial {
  /** `canonicalJson(view)`. */
  readonly canonical: string;

  /** `before` and `after`: the view's other entries (`"key":value`) sorting before and after `turns`. */
  private constructor(
    readonly view: Record<string, unknown>,
    private readonly before: string,
    private readonly turns: readonly string[] | undefined,
    private readonly after: string,
  ) {
    this.canonical = this.assemble(turns?.length ?? 0);
  }

  /** The neutral material of a request, or undefined when it has no neutral view (`neutralRequestView`). */
  static of(wire: WireFormat, operation: Operation, body: Record<string, unknown>): NeutralMaterial | undefined {
    const view = neutralRequestView(wire, operation, body);
    if (!view) return undefined;
    let before = '';
    let after = '';
    let turns: string[] | undefined;
    // Sorted as canonicalJson sorts; entries whose value is undefined are left out as it leaves them out.
    for (const key of Object.keys(view).sort()) {
      const value = view[key];
      if (value === undefined) continue;
      if (key === 'turns' && Array.isArray(value)) turns = value.map(canonicalJson);
      else if (turns) after += `,${quote(key)}:${canonicalJson(value)}`;
      else before += `${before ? ',' : ''}${quote(key)}:${canonicalJson(value)}`;
    }
    return new NeutralMaterial(view, before, turns, after);
  }

  /** `canonicalJson({ ...view, turns: turns without the last })`. */
  withoutLastTurn(): string {
    return this.turns ? this.assemble(this.turns.length - 1) : canonicalJson({ ...this.view, turns: [] });
  }

  /** The canonical form with the first `count` turns. */
  private assemble(count: number): string {
    if (!this.turns) return `{${this.before}}`;
    let turns = '';
    for (let index = 0; index < count; index += 1) turns += index === 0 ? this.turns[index] : `,${this.turns[index]}`;
    return `{${this.before}${this.before ? ',' : ''}"turns":[${turns}]${this.after}}`;
  }
}

export function neutralMaterial(wire: WireFormat, operation: Operation, body: Record<string, unknown>): NeutralMaterial | undefined {
  return NeutralMaterial.of(wire, operation, body);
}

/** SHA-256 of a string's UTF-8 bytes, as hex: one call (no Hash object per key). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * Strings longer than this are keyed by a digest of their exact text instead of collapsing their
 * whitespace: a regex pass over a multi-megabyte prompt with many runs blocks the event loop for
 * seconds, a SHA-256 over it takes milliseconds. Shorter strings (nearly every prompt) keep the
 * whitespace-insensitive form, so their keys are unchanged.
 */
export const LONG_STRING_CHARS = 64 * 1024;

/**
 * Whether `value.replace(/\s+/g, ' ').trim()` would leave `value` as it is: no whitespace but single
 * spaces between other characters. One pass over the code units, no new string (most prompts pass).
 */
export function isCollapsed(value: string): boolean {
  const last = value.length - 1;
  for (let index = 0; index <= last; index += 1) {
    const c = value.charCodeAt(index);
    if (c === 0x20) {
      if (index === 0 || index === last || value.charCodeAt(index + 1) === 0x20) return false;
    } else if (c <= 0x20) {
      if (c >= 0x09 && c <= 0x0d) return false;
    } else if (c >= 0xa0 && isUnicodeSpace(c)) return false;
  }
  return true;
}

/** The code units above U+007F that `\s` matches. */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * `JSON.stringify(text)`: the text between quotes when nothing in it needs escaping (no quote,
 * backslash, control character or surrogate: nearly every key and prompt), else JSON.stringify's own.
 * One pass over the code units instead of a call into the serialiser per key and string. Pure.
 */
export function quote(text: string): string {
  for (let index = 0; index < text.length; index += 1) {
    const c = text.charCodeAt(index);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value !== 'string') return JSON.stringify(value) ?? 'null';
    if (value.length > LONG_STRING_CHARS) return `"#sha256:${sha256Hex(value)}"`;
    return quote(isCollapsed(value) ? value : value.replace(/\s+/g, ' ').trim());
  }
  // Loops instead of entries/filter/map/join: the same text, built with fewer short-lived arrays (this runs per request).
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) out += index === 0 ? canonicalJson(value[index]) : `,${canonicalJson(value[index])}`;
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, as `<` does; own keys only (a parsed `__proto__` is an own data key).
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${quote(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}
