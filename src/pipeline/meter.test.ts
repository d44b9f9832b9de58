import { describe, expect, it } from 'vitest';
import { createUsage } from '../domain/usage.ts';
import type { Target } from '../domain/request.ts';
import { loadBundledCatalogue } from '../pricing/bundled-catalogue.ts';
import { createPriceBook } from '../pricing/genai-price-book.ts';
import { fanOut, type MeteredRequest } from './meter-sink.ts';
import { meter } from './meter.ts';
import type { PipelineRequest } from './types.ts';

const target: Target = { providerId: 'openai', provider: { kind: 'openai' } as Target['provider'], upstreamModel: 'gpt-4o-mini' };
const principal = { keyId: 'k1', orgId: 'acme', projectId: 'search', userId: undefined, tags: [], allow: { project: false, user: false, tags: false } };

describe('meter', () => {
  it('prices the row, hands it to the one sink (each composed sink in order), then settles the request tickets', () => {
    const seen: string[] = [];
    const events: MeteredRequest[] = [];
    const sink = fanOut([
      { settled: (event) => (events.push(event), seen.push('ledger')) },
      undefined,
      { settled: () => seen.push('metrics') },
    ]);
    const request: PipelineRequest = {
      id: 'req-1', receivedAtMs: Date.parse('2026-11-20T10:00:00Z'), wire: 'openai', operation: 'chat',
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, headers: {}, principal, signal: undefined,
      route: { summary: 'cheapest:mini', strategy: 'cheapest', chosen: 'gpt-4o-mini@openai' },
      keyRate: { settle: (tokens) => seen.push(`key-rate:${tokens}`) },
    };
    const usage = createUsage({ inputTotal: 1_000_000, outputTotal: 0 });
    const deps = { config: { ledger: { storeBodies: false } }, priceBook: createPriceBook({ catalogue: loadBundledCatalogue() }), now: () => request.receivedAtMs + 40, meterSink: sink };
    const { record } = meter(request, { target, servedModel: 'gpt-4o-mini', usage, estimated: false, status: 200, errorCode: null, ttftMs: null, stream: false }, deps);
    expect(seen).toEqual(['ledger', 'metrics', 'key-rate:1000000']);
    expect(events).toEqual([{ request, record, usage, target, atMs: request.receivedAtMs + 40 }]);
    // gpt-4o-mini input: $0.15 per million tokens.
    expect(record).toMatchObject({ costNanoUsd: 150_000_000, priced: true, latencyMs: 40, route: { summary: 'cheapest:mini', strategy: 'cheapest' } });
  });

  it('records no route when nothing routed the request (a decision with an empty summary)', () => {
    const events: MeteredRequest[] = [];
    const request: PipelineRequest = {
      id: 'req-2', receivedAtMs: 0, wire: 'openai', operation: 'chat', body: { model: 'gpt-4o-mini' }, headers: {}, principal, signal: undefined,
      route: { summary: '', chosen: 'gpt-4o-mini@openai' },
    };
    const deps = { config: { ledger: { storeBodies: false } }, priceBook: createPriceBook({ catalogue: loadBundledCatalogue() }), now: () => 0, meterSink: fanOut([{ settled: (event) => events.push(event) }]) };
    meter(request, { target, servedModel: undefined, usage: undefined, estimated: false, status: 502, errorCode: 'upstream_error', ttftMs: null, stream: false }, deps);
    expect(events[0]?.record.route).toBeNull();
  });
});
