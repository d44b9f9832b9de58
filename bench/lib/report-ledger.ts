/**
 * The synthetic-but-real-shaped ledger of `bench:reports`: token counts drawn from the real traces in
 * ../shared/data (Azure LLM inference 2023 conversation and code, Mooncake conversation), a
 * deterministic mix of 3 orgs, 24 projects, 400 users (Zipf-like), a key per user, 6 models on 4
 * providers, cache statuses, routes and tags, spread evenly over 35 days in time order.
 * Bump GENERATOR_VERSION whenever the rows change: it keys the cached ledgers under /tmp.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LedgerRecord } from '../../src/ledger/record.ts';
import { ledgerRecord, seededRandom } from '../../test/support/ledger-records.ts';

export const GENERATOR_VERSION = 2;
export const DAY_MS = 86_400_000;
export const LEDGER_START = Date.parse('2026-10-01T00:00:00Z');
export const LEDGER_DAYS = 35;
export const LEDGER_END = LEDGER_START + LEDGER_DAYS * DAY_MS;

/** Token pairs from the real traces (input, output). */
export function tracePairs(dataDir: string): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const name of ['AzureLLMInferenceTrace_conv.csv', 'AzureLLMInferenceTrace_code.csv']) {
    const file = path.join(dataDir, 'azure-llm-inference-2023', name);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, input, output] = line.split(',');
      if (input && output) pairs.push([Number(input), Number(output)]);
    }
  }
  const mooncake = path.join(dataDir, 'mooncake-traces', 'conversation_trace.jsonl');
  if (existsSync(mooncake)) {
    for (const line of readFileSync(mooncake, 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line) as { input_length: number; output_length: number };
      pairs.push([row.input_length, row.output_length]);
    }
  }
  if (pairs.length === 0) throw new Error(`no traces under ${dataDir}: the bench needs ../shared/data`);
  return pairs;
}

// Per-token prices in nano-dollars (input, output, cache read), i.e. dollars per million tokens x 1000.
const MODELS = [
  { model: 'gpt-4o-mini', provider: 'openai', input: 150, output: 600, read: 75 },
  { model: 'gpt-4o', provider: 'openai', input: 2_500, output: 10_000, read: 1_250 },
  { model: 'claude-3-5-haiku', provider: 'anthropic', input: 800, output: 4_000, read: 80 },
  { model: 'claude-sonnet-4', provider: 'anthropic', input: 3_000, output: 15_000, read: 300 },
  { model: 'llama3-70b', provider: 'local', input: 0, output: 0, read: 0 },
  { model: 'mistral-large', provider: 'mistral', input: 2_000, output: 6_000, read: 0 },
];

/**
 * `count` rows in time order, deterministic. A user has one org, project and key and two favourite
 * models. Every row sits on an odd millisecond after the (even) start, so none falls exactly on an
 * hour boundary: a raw query bounded 1 ms past the hour then selects exactly the rows the rollups hold.
 */
export function* ledgerRows(count: number, pairs: Array<[number, number]>): Generator<LedgerRecord> {
  const random = seededRandom(13);
  const users = Array.from({ length: 400 }, (_, index) => ({
    user: `user-${index}`,
    key: `key_${index}`,
    org: `org-${index % 3}`,
    project: `project-${index % 24}`,
    models: [index % MODELS.length, (index * 7 + 3) % MODELS.length],
    cached: index % 24 < 8,
    route: index % 24 < 12 ? 'cheap-first' : null,
  }));
  const span = LEDGER_DAYS * DAY_MS;
  const width = String(count).length;
  for (let index = 0; index < count; index += 1) {
    const timeMs = LEDGER_START + 2 * Math.floor((index * span) / (2 * count)) + 1;
    const user = users[Math.min(users.length - 1, Math.floor(random() ** 2.2 * users.length))]!;
    const spec = MODELS[user.models[random() < 0.8 ? 0 : 1]!]!;
    const [input, output] = pairs[Math.floor(random() * pairs.length)]!;
    const cacheStatus = user.cached ? (random() < 0.2 ? 'hit' : 'miss') : 'bypass';
    const cacheRead = spec.read && random() < 0.3 ? Math.floor(input * 0.4) : 0;
    const failed = random() < 0.01;
    const cost = failed || cacheStatus === 'hit' ? 0 : (input - cacheRead) * spec.input + cacheRead * spec.read + output * spec.output;
    // Zero-padded ids sort in insertion order, so the primary key grows at its end as a live ledger's time-based ids do.
    yield ledgerRecord({
      id: `r${String(index).padStart(width, '0')}`, timeMs, orgId: user.org, projectId: user.project, userId: user.user, keyId: user.key,
      tags: index % 17 === 0 ? ['batch'] : [], requestedModel: spec.model, servedModel: spec.model, provider: spec.provider,
      inputTokens: input, cacheReadTokens: cacheRead, outputTokens: output, inputCostNanoUsd: cost, outputCostNanoUsd: 0, costNanoUsd: cost,
      priced: spec.provider !== 'mistral' || random() < 0.9, latencyMs: 200 + Math.floor(output * 12 * random()), status: failed ? 502 : 200,
      errorCode: failed ? 'upstream_error' : null, cacheStatus, savedNanoUsd: cacheStatus === 'hit' ? input * spec.input + output * spec.output : 0,
      route: user.route ? { summary: user.route, chosen: spec.model } : null,
    });
  }
}
