import type { ClientRequest, Target } from '../domain/request.ts';
import { inboundOf } from '../domain/inbound.ts';
import type { Usage } from '../domain/usage.ts';
import type { BudgetEnforcer } from '../budgets/enforcer.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import type { LedgerSink } from '../ledger/writer.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { taskClass } from '../routing/quality-signals.ts';
import type { Router } from '../routing/router.ts';

/** Records tokens served by local nodes so their $/hour is amortised over measured throughput. */
export interface LocalNodeMeter {
  recordTokens(nodeId: string, tokens: number, timeMs: number): void;
}

/** One metered request: its priced ledger row, the usage behind it, and the target that served (or was blamed). */
export interface MeteredRequest {
  request: Readonly<ClientRequest>;
  record: LedgerRecord;
  usage: Usage | undefined;
  target: Target | undefined;
  /** When it was metered (epoch ms). */
  atMs: number;
}

/**
 * Where a metered request goes once it is priced: the ledger, budgets' output bounds, metrics, the
 * router's health and quality figures, local-node throughput. `meter` knows only this one sink; the
 * runtime composes it, so a new observer is one more sink, not one more pipeline dependency.
 */
export interface MeterSink {
  settled(event: MeteredRequest): void;
}

/** Every sink in order (the ledger first: the row is what every other figure is checked against). */
export function fanOut(sinks: ReadonlyArray<MeterSink | undefined>): MeterSink {
  const present = sinks.filter((sink): sink is MeterSink => sink !== undefined);
  return {
    settled(event) {
      for (const sink of present) sink.settled(event);
    },
  };
}

export function ledgerSink(ledger: LedgerSink): MeterSink {
  return { settled: ({ record }) => ledger.write(record) };
}

/** Budgets learn how long answers run per model (their worst-case bounds), from served answers. */
export function budgetSink(budgets: BudgetEnforcer | undefined): MeterSink | undefined {
  if (!budgets) return undefined;
  return {
    settled({ request, record, target }) {
      if (target && request.operation !== 'embedding') budgets.observeAnswer(target.upstreamModel, request, record);
    },
  };
}

export function metricsSink(metrics: GatewayMetrics): MeterSink {
  return {
    settled({ request, record, usage }) {
      metrics.observeRequest({
        operation: request.operation,
        provider: record.provider,
        model: record.servedModel,
        project: record.projectId,
        status: record.status,
        stream: record.stream,
        cache: record.cacheStatus,
        durationMs: record.latencyMs,
        ttftMs: record.ttftMs,
        usage,
        costNanoUsd: record.costNanoUsd,
        savedNanoUsd: record.savedNanoUsd,
        priced: record.priced,
        estimated: record.estimated,
        errorCode: record.errorCode,
      });
    },
  };
}

/** Routing learns each target's latency and answer quality from what it served. */
export function routerSink(router: Router | undefined): MeterSink | undefined {
  if (!router) return undefined;
  return {
    settled({ request, record, target }) {
      if (!target) return;
      const key = `${target.upstreamModel}@${target.providerId}`;
      if (record.status < 400) router.stats.observe(key, { ok: true, latencyMs: record.latencyMs, ttftMs: record.ttftMs });
      if (record.quality !== null) router.quality.observe(key, taskClass(request.body, inboundOf(request).lastUserText), record.quality);
    },
  };
}

/** Tokens served by a local node, so its $/hour is amortised over measured throughput. */
export function localNodeSink(localNodes: LocalNodeMeter | undefined): MeterSink | undefined {
  if (!localNodes) return undefined;
  return {
    settled({ usage, target, atMs }) {
      if (usage && target?.provider.node) localNodes.recordTokens(target.provider.node, usage.input.total + usage.output.total, atMs);
    },
  };
}
