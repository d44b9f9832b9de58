/**
 * Seeded generator of hostile HTTP requests for the fuzz suite: the same seed gives the same
 * requests. Each request mutates a valid one (proxy bodies, admin bodies, query strings, path
 * parameters, headers) with values a careless client or an attacker would send.
 */

import { seededRandom } from '../support/ledger-records.ts';

export interface HostileRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The wire format whose envelope an error must use. */
  wire: 'openai' | 'anthropic';
  /** A short description for failure reports. */
  what: string;
}

/** Percent-encodes a URL part; a lone surrogate becomes the invalid UTF-8 bytes it would be (%ED%A0%80). */
function encodePart(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `%ED%A0%80${encodeURIComponent((value as string & { toWellFormed(): string }).toWellFormed())}`;
  }
}

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf', '__defineGetter__'];
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku-latest', 'text-embedding-3-small', 'tollgate/cheapest', 'tollgate/auto', 'gpt-4o-mini@mock-openai', 'x@mock-anthropic', 'no-such-model'];

export class HostileGenerator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A hostile string (as a JS value; JSON.stringify may escape it). */
  string(): string {
    switch (this.int(14)) {
      case 0: return '';
      case 1: return this.pick(PROTO_NAMES);
      case 2: return 'm'.repeat(200 + this.int(400));
      case 3: return `gpt\u0000${this.int(10)}`;
      case 4: return 'gpt\r\nx-injected: 1';
      case 5: return `a\ud800b`;
      case 6: return '\udfff';
      case 7: return ' '.repeat(this.int(50));
      case 8: return `tollgate/${this.pick(PROTO_NAMES)}`;
      case 9: return `${this.pick(PROTO_NAMES)}@mock-openai`;
      case 10: return `${this.pick(MODELS)}@${this.pick(PROTO_NAMES)}`;
      case 11: return '😀'.repeat(this.int(20));
      case 12: return '%00%0d%0a../../etc/passwd';
      default: return this.pick(MODELS);
    }
  }

  /** A hostile JSON value of bounded size and depth. */
  value(depth = 0): unknown {
    switch (this.int(depth > 3 ? 9 : 13)) {
      case 0: return null;
      case 1: return this.pick([0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, 4294967296, 1e-320]);
      case 2: return this.random() < 0.5;
      case 3: case 4: case 5: return this.string();
      case 6: return [];
      case 7: return {};
      case 8: return this.pick([[null], [1, 'a', null], [{}], ['x']]);
      case 9: return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      case 10: {
        const out: Record<string, unknown> = {};
        for (let i = this.int(4); i > 0; i -= 1) out[this.random() < 0.3 ? this.pick(PROTO_NAMES) : this.pick(['type', 'text', 'role', 'content', 'image_url', 'tool_calls', 'function', 'name', 'input', 'x'])] = this.value(depth + 1);
        return out;
      }
      case 11: return [{ type: this.string(), text: this.value(depth + 1) }];
      default: return { role: this.value(depth + 1), content: this.value(depth + 1) };
    }
  }

  private validBody(path: string): Record<string, unknown> {
    const model = this.pick(MODELS);
    switch (path) {
      case '/v1/messages': return { model, max_tokens: 8, messages: [{ role: 'user', content: 'hello' }] };
      case '/v1/completions': return { model, prompt: 'hello', max_tokens: 8 };
      case '/v1/embeddings': return { model, input: 'hello' };
      default: return { model, max_tokens: 8, messages: [{ role: 'user', content: 'hello' }] };
    }
  }

  private static readonly FIELDS = ['model', 'messages', 'max_tokens', 'max_completion_tokens', 'stream', 'stream_options', 'prompt', 'input', 'system', 'tools', 'tool_choice', 'temperature', 'metadata', 'user', 'n', 'response_format', 'stop', 'logit_bias', 'seed', '__proto__', 'constructor'];

  /** Raw JSON text for a proxy body: a valid body with hostile edits, or hostile text outright. */
  private proxyBody(path: string): { text: string; what: string } {
    const roll = this.int(20);
    if (roll === 0) return { text: this.pick(['null', '42', '"x"', '[]', '[null]', 'true', '{}', '']), what: 'scalar body' };
    if (roll === 1) {
      const valid = JSON.stringify(this.validBody(path));
      return { text: valid.slice(0, this.int(valid.length)), what: 'truncated JSON' };
    }
    if (roll === 2) {
      const depth = this.pick([63, 64, 65, 200, 5_000, 50_000]);
      return { text: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(depth)}${']'.repeat(depth)}}`, what: `nesting ${depth}` };
    }
    if (roll === 3) return { text: `{"model":"gpt-4o-mini","__proto__":{"model":"x","max_tokens":1e308},"messages":[{"role":"user","content":"hi"}]}`, what: '__proto__ key' };
    if (roll === 4) return { text: `{"model":"a\\ud800","messages":[{"role":"user","content":"\\udc00"}],"max_tokens":5}`, what: 'lone surrogates' };
    const body = this.validBody(path);
    const edits = 1 + this.int(3);
    const described: string[] = [];
    for (let i = 0; i < edits; i += 1) {
      const field = this.pick(HostileGenerator.FIELDS);
      const action = this.int(6);
      if (action === 0) {
        delete body[field];
        described.push(`-${field}`);
      } else if (action === 1 && Array.isArray(body.messages)) {
        body.messages = [{ role: this.pick(['user', 'assistant', 'system', 'tool', '__proto__']), content: this.value() }];
        described.push('messages[0]');
      } else {
        Object.defineProperty(body, field, { value: this.value(), enumerable: true, writable: true, configurable: true });
        described.push(field);
      }
    }
    return { text: JSON.stringify(body) ?? 'null', what: described.join(',') };
  }

  private headerValue(): string {
    // Header values must be legal on the wire (fetch refuses CR/LF/NUL): hostile but printable.
    return this.pick(['', 'constructor', '__proto__', 'toString', 'valueOf', 'off', 'on', 'bypass', '-1', '1e308', 'x'.repeat(300), 'a,b,,c=d,__proto__', 'cheapest', 'quality-first', 'tollgate/auto', 'caf\u00e9']);
  }

  private proxy(): HostileRequest {
    const path = this.pick(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/messages']);
    const { text, what } = this.proxyBody(path);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const name of ['x-tollgate-strategy', 'x-tollgate-cache', 'x-tollgate-semantic-cache', 'x-tollgate-budget-override', 'x-tollgate-priority', 'x-tollgate-project', 'x-tollgate-user', 'x-tollgate-tags', 'anthropic-version', 'cache-control']) {
      if (this.random() < 0.12) headers[name] = this.headerValue();
    }
    const key = this.int(12);
    if (key === 0) headers.authorization = 'Bearer tg-not-a-real-key-000000000000';
    else if (key === 1) headers['x-api-key'] = 'tg-' + this.pick(PROTO_NAMES);
    else if (key === 2) headers.authorization = 'Bearer';
    return { method: 'POST', path, headers, body: text, wire: path === '/v1/messages' ? 'anthropic' : 'openai', what: `${path} ${what}` };
  }

  private query(): string {
    const names = ['from', 'to', 'limit', 'by', 'org', 'project', 'user', 'key', 'model', 'provider', 'namespace', 'window', 'days', '__proto__', 'constructor'];
    const parts: string[] = [];
    for (let i = this.int(4); i > 0; i -= 1) {
      const value = this.pick([this.string(), JSON.stringify(this.value()) ?? '', '-1', '1e308', 'NaN', '2026-13-45', '99999999999999999999', 'project,model,__proto__']);
      parts.push(`${this.pick(names)}=${encodePart(value)}`);
    }
    return parts.length ? `?${parts.join('&')}` : '';
  }

  private adminBody(path: string): string {
    const roll = this.int(6);
    if (roll === 0) return this.pick(['null', '[]', '42', '', '{', '{"__proto__":{"admin":true}}', `${'['.repeat(100)}${']'.repeat(100)}`]);
    const base: Record<string, unknown> =
      path === '/api/keys' ? { name: 'fuzz', project: 'p', org: 'o', tags: ['t'] }
      : path === '/api/budgets' ? { id: 'fuzz', scope: 'project', org: 'demo', value: 'fuzz-p', period: 'daily', limitUsd: 1000 }
      : path === '/api/feedback' ? { requestId: 'req_x', score: 1 }
      : path === '/api/cache/warm' ? { top: 2, days: 1 }
      : { requests: [{ id: 'a', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }] };
    for (let i = this.int(3) + (roll === 1 ? 0 : 1); i > 0; i -= 1) {
      const field = this.pick([...Object.keys(base), '__proto__', 'constructor', 'extra']);
      Object.defineProperty(base, field, { value: this.value(), enumerable: true, writable: true, configurable: true });
    }
    return JSON.stringify(base);
  }

  private admin(): HostileRequest {
    const segment = () => encodePart(this.string());
    const routes: Array<() => Omit<HostileRequest, 'headers' | 'wire'>> = [
      () => ({ method: 'GET', path: `/api/prices/${segment()}`, what: 'prices' }),
      () => ({ method: 'GET', path: `/api/keys${this.query()}`, what: 'keys list' }),
      () => ({ method: 'POST', path: '/api/keys', body: this.adminBody('/api/keys'), what: 'keys create' }),
      () => ({ method: 'DELETE', path: `/api/keys/${segment()}`, what: 'keys revoke' }),
      () => ({ method: 'GET', path: `/api/budgets${this.query()}`, what: 'budgets' }),
      () => ({ method: 'POST', path: '/api/budgets', body: this.adminBody('/api/budgets'), what: 'budgets create' }),
      () => ({ method: 'DELETE', path: `/api/budgets/${segment()}`, what: 'budgets delete' }),
      () => ({ method: 'GET', path: `/api/alerts${this.query()}`, what: 'alerts' }),
      () => ({ method: 'GET', path: `/api/report${this.query()}`, what: 'report' }),
      () => ({ method: 'GET', path: `/api/ledger${this.query()}`, what: 'ledger' }),
      () => ({ method: 'POST', path: '/api/optimize/batch', body: this.adminBody('/api/optimize/batch'), what: 'optimize' }),
      () => ({ method: 'GET', path: `/api/cache/stats${this.query()}`, what: 'cache stats' }),
      () => ({ method: 'POST', path: '/api/cache/warm', body: this.adminBody('/api/cache/warm'), what: 'cache warm' }),
      () => ({ method: 'DELETE', path: `/api/cache/semantic${this.query()}`, what: 'cache semantic' }),
      () => ({ method: 'GET', path: `/api/routing/catalogue${this.query()}`, what: 'catalogue' }),
      () => ({ method: 'GET', path: `/api/routing/analytics${this.query()}`, what: 'routing analytics' }),
      () => ({ method: 'GET', path: `/api/experiments/${segment()}`, what: 'experiments' }),
      () => ({ method: 'POST', path: '/api/feedback', body: this.adminBody('/api/feedback'), what: 'feedback post' }),
      () => ({ method: 'GET', path: `/api/feedback${this.query()}`, what: 'feedback list' }),
      () => ({ method: 'GET', path: `/v1/models/${segment()}`, what: 'models' }),
      () => ({ method: 'GET', path: `/api/${segment()}`, what: 'unknown admin path' }),
    ];
    const request = this.pick(routes)();
    return { ...request, headers: { 'content-type': 'application/json' }, wire: 'openai', what: `${request.what} ${request.path.slice(0, 80)}` };
  }

  /** The next request: about two thirds at the proxy endpoints, the rest at the admin API. */
  next(): HostileRequest {
    return this.random() < 0.66 ? this.proxy() : this.admin();
  }
}
