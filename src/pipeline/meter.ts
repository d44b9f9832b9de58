import type { Usage } from '../domain/usage.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { Cost, PriceBook } from '../pricing/price-book.ts';
import { priceProviderFor } from '../pricing/price-provider.ts';
import { qualitySignals, responseView } from '../routing/quality-signals.ts';
import { inboundOf } from '../domain/inbound.ts';
import type { Target } from '../domain/request.ts';
import { recordedRoute } from './route-notes.ts';
import type { MeterSink } from './meter-sink.ts';
import type { PipelineRequest } from './types.ts';

/** What metering needs: prices, the clock, whether bodies are kept, and the one sink the row goes to. */
export interface MeterDeps {
  config: { ledger: { storeBodies: boolean } };
  priceBook: { cost: PriceBook['cost'] };
  now: () => number;
  meterSink: MeterSink;
}

export interface Outcome {
  target: Target | undefined;
  servedModel: string | undefined;
  usage: Usage | undefined;
  estimated: boolean;
  status: number;
  errorCode: string | null;
  ttftMs: number | null;
  stream: boolean;
  /** Extra ledger fields set by later stages (cache, route, budget). */
  cacheStatus?: string | null;
  budgetAction?: string | null;
  /** A cache hit: what the original call cost (saved now), and who served it then. */
  savedNanoUsd?: number;
  provider?: string | null;
  /** For automatic quality signals: the answer as sent to the client (JSON) or its streamed text. */
  responseBody?: unknown;
  outputText?: string;
  finishReason?: string | undefined;
}

const UNPRICED: Cost = { inputNanoUsd: 0, outputNanoUsd: 0, totalNanoUsd: 0, priced: false, source: 'unpriced' };
const FREE: Cost = { inputNanoUsd: 0, outputNanoUsd: 0, totalNanoUsd: 0, priced: true, source: 'no-usage' };

/**
 * Prices an outcome into its ledger row and hands it to the meter sink (ledger, budgets, metrics,
 * routing, local nodes); then settles the request's own tickets (budget grant, key token window).
 * Runs after the response is decided; the ledger write itself is batched off the hot path.
 */
export function meter(request: PipelineRequest, outcome: Outcome, deps: MeterDeps): { record: LedgerRecord; cost: Cost } {
  const now = deps.now();
  const { target, usage } = outcome;
  const model = outcome.servedModel ?? target?.upstreamModel ?? null;
  let cost = FREE;
  if (usage && target && model) {
    cost = deps.priceBook.cost(usage, {
      model,
      providerId: target.providerId,
      priceProviderId: priceProviderFor(target.provider.kind, target.provider.priceProvider),
      nodeId: target.provider.node,
      timeMs: request.receivedAtMs,
    });
  } else if (usage && !target) {
    cost = UNPRICED;
  }
  const principal = request.principal;
  // Prompts and bodies are kept only when the operator asked (ledger.storeBodies), never for embeddings.
  const keepBody = deps.config.ledger.storeBodies && request.operation !== 'embedding';
  const record: LedgerRecord = {
    id: request.id,
    timeMs: request.receivedAtMs,
    orgId: principal.orgId,
    projectId: principal.projectId,
    userId: principal.userId ?? null,
    keyId: principal.keyId ?? null,
    tags: principal.tags,
    operation: request.operation,
    wire: request.wire,
    stream: outcome.stream,
    requestedModel: inboundOf(request).model,
    servedModel: model,
    provider: target?.providerId ?? outcome.provider ?? null,
    inputTokens: usage?.input.total ?? 0,
    cacheReadTokens: usage?.input.cacheRead ?? 0,
    cacheWriteTokens: usage?.input.cacheWrite ?? 0,
    outputTokens: usage?.output.total ?? 0,
    reasoningTokens: usage?.output.reasoning ?? 0,
    units: usage?.units ?? {},
    inputCostNanoUsd: cost.inputNanoUsd,
    outputCostNanoUsd: cost.outputNanoUsd,
    costNanoUsd: cost.totalNanoUsd,
    priced: cost.priced,
    estimated: outcome.estimated,
    latencyMs: Math.max(0, now - request.receivedAtMs),
    ttftMs: outcome.ttftMs,
    status: outcome.status,
    errorCode: outcome.errorCode,
    cacheStatus: outcome.cacheStatus ?? request.cacheStatus ?? null,
    savedNanoUsd: outcome.savedNanoUsd ?? 0,
    route: recordedRoute(request),
    budgetAction: outcome.budgetAction ?? request.budget?.action ?? null,
    quality: scoreOf(request, outcome),
    cacheKey: request.cache?.key ?? request.analysisKey ?? null,
    prompt: keepBody ? inboundOf(request).lastUserText.slice(0, 8_000) || null : null,
    requestBody: keepBody ? storedBody(request.body) : null,
  };
  deps.meterSink.settled({ request, record, usage, target, atMs: now });
  request.budget?.settle(record);
  request.keyRate?.settle(record.inputTokens + record.outputTokens);
  return { record, cost };
}

/** The automatic quality score of a served answer (not for errors or embeddings). */
function scoreOf(request: PipelineRequest, outcome: Outcome): number | null {
  if (outcome.status >= 400 || request.operation === 'embedding' || !outcome.target) return null;
  const view = outcome.responseBody !== undefined ? responseView(outcome.responseBody, outcome.finishReason) : { text: outcome.outputText ?? '', toolCalls: [], finishReason: outcome.finishReason };
  return qualitySignals(request.body, view).score;
}

/** The request body for the ledger (storeBodies): without stream settings, up to 64 KB, else not kept. */
function storedBody(body: Record<string, unknown>): string | null {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  const text = JSON.stringify(rest);
  return text.length <= 65_536 ? text : null;
}
