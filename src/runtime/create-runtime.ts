import type { LedgerRecord } from '../ledger/record.ts';
import { estimateInputTokens } from '../domain/estimate.ts';
import { ORG_QUALIFIED_SCOPES, type TollgateConfig } from '../config/schema.ts';
import { qualifiedScope } from '../budgets/applicable.ts';
import { isOverlay } from '../budgets/store.ts';
import { createKeyCache, type KeyCache } from '../keys/key-cache.ts';
import { keyLimitsFromInput } from '../keys/limits-input.ts';
import { createMemoryRateLimiter } from '../keys/rate-limiter.ts';
import { createRedisRateLimiter } from '../keys/redis-rate-limiter.ts';
import { openRedisChannel } from '../redis/channel.ts';
import { inspect } from 'node:util';
import { configuredSecrets } from '../config/configured-secrets.ts';
import { checkOperatorKeys } from '../config/operator-keys.ts';
import { createSecretScrubber } from '../domain/secret-scrubber.ts';
import { scrubbingUpstream } from './scrubbing-upstream.ts';
import type { KeyStore } from '../keys/store.ts';
import { createLedgerWriter } from '../ledger/writer.ts';
import { createGatewayMetrics } from '../metrics/gateway-metrics.ts';
import { registerBreakerGauge } from '../metrics/breaker-gauge.ts';
import { createUpstreamClient } from '../pipeline/upstream-client.ts';
import type { PipelineDeps } from '../pipeline/types.ts';
import { loadBundledCatalogue } from '../pricing/bundled-catalogue.ts';
import { createPriceBook } from '../pricing/genai-price-book.ts';
import { createLocalNodeCosts } from '../pricing/local-nodes.ts';
import { openStorage } from '../storage/open-storage.ts';
import { createAlertNotifier } from '../budgets/alerts.ts';
import { createMemoryCounters } from '../budgets/counters/memory.ts';
import { createRedisCounters } from '../budgets/counters/redis.ts';
import type { BudgetCounters } from '../budgets/counters/types.ts';
import { BudgetEnforcer } from '../budgets/enforcer.ts';
import { createForecastProjector } from '../analytics/forecast/spend-projector.ts';
import { createForecastPool } from '../analytics/forecast/forecast-pool.ts';
import { createReportPool } from './report-pool.ts';
import { createAnomalyScanPool } from './anomaly-scan-pool.ts';
import { Router } from '../routing/router.ts';
import { createResponseCache } from '../cache/create-response-cache.ts';
import { meterCacheEmbedding } from '../pipeline/meter-embedding.ts';
import { budgetSink, fanOut, ledgerSink, localNodeSink, metricsSink, routerSink } from '../pipeline/meter-sink.ts';
import type { UpstreamEmbedder } from '../cache/semantic/upstream-embedder.ts';
import type { Runtime } from '../gateway/runtime.ts';
import { startDefinitionSync } from '../budgets/definition-sync.ts';
import { createAnomalyMonitor } from '../analytics/anomalies/monitor.ts';
import { anomalyAlerts, startAnomalyChecks } from './anomaly-checks.ts';

export interface RuntimeOptions {
  /** State directory (SQLite file, ledger spill file). Default `./.tollgate`. */
  dataDir?: string | undefined;
  /** PostgreSQL URL; SQLite under `dataDir` when unset. */
  databaseUrl?: string | undefined;
  /** Bearer token for `/api`; the admin API is closed without it. */
  adminKey?: string | undefined;
  /** Bearer token for read-only operator access to `/api` (TOLLGATE_VIEWER_KEY). */
  viewerKey?: string | undefined;
  /** Clock, injectable for tests and replays. */
  now?: () => number;
  /** Process metrics (event loop, memory); off in tests that build many gateways. */
  defaultMetrics?: boolean;
  /** Redis URL: budget counters shared by every instance. In-process counters without it. */
  redisUrl?: string | undefined;
  /** Where operational lines (alerts, audits, ledger trouble) go; stderr by default. */
  log?: (line: string) => void;
}

/**
 * The composition root: opens storage, seeds config keys, builds the price book, metrics, the
 * batched ledger writer (replaying any spill a previous run left) and the upstream client.
 */
export async function createRuntime(config: TollgateConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  // Here, where the keys are handed over, so that startServer, the CLI and the library's createGateway all
  // refuse an operator key shared with a virtual key, another operator key or a config admin key (before any storage opens).
  checkOperatorKeys(config, options);
  const dataDir = options.dataDir || './.tollgate';
  const now = options.now ?? Date.now;
  const storage = await openStorage({ dataDir, databaseUrl: options.databaseUrl || undefined });
  try {
    await seedKeys(storage.keys, config);
  } catch (error) {
    await storage.close();
    throw error;
  }
  // Every configured secret is scrubbed from what upstreams send back and from every log line.
  const secrets = createSecretScrubber(configuredSecrets(config, { adminKey: options.adminKey, viewerKey: options.viewerKey, databaseUrl: options.databaseUrl, redisUrl: options.redisUrl }));
  const rawLog = options.log ?? ((line: string) => console.error(`[tollgate] ${line}`));
  const log = (line: string) => rawLog(secrets.scrub(line));
  const writer = createLedgerWriter({
    store: storage.ledger,
    directory: dataDir,
    batchSize: config.ledger.batchSize,
    flushIntervalMs: config.ledger.flushIntervalMs,
    fsync: config.ledger.fsync,
    log: (message, error) => log(`ledger: ${message}${error === undefined ? '' : ` ${inspect(error)}`}`),
  });
  const localNodes = createLocalNodeCosts(config.pricing.localNodes);
  const providerKinds = Object.fromEntries(Object.entries(config.providers).map(([id, p]) => [id, p.kind]));
  const priceBook = createPriceBook({ catalogue: loadBundledCatalogue(), overrides: config.pricing.overrides, localNodes, providerKinds });
  const metrics = createGatewayMetrics({
    knownModels: [...Object.keys(config.models), ...Object.values(config.models).map((m) => m.target.split('@')[0] ?? '')],
    knownProviders: Object.keys(config.providers),
    defaultMetrics: options.defaultMetrics,
  });
  const upstream = scrubbingUpstream(createUpstreamClient(), secrets);
  // Rows a previous run left in its journal or spill file are committed before counters are rebuilt from the ledger.
  await writer.replaySpill().catch(() => 0);
  const storedBudgets = await storage.budgets.listBudgets();
  for (const budget of storedBudgets) {
    if (isOverlay(budget)) continue;
    if (ORG_QUALIFIED_SCOPES.has(budget.scope) && qualifiedScope(budget).org === undefined) {
      log(`budget ${budget.id} (${budget.scope} ${budget.value ?? ''}) was stored before budgets named their org: it covers that ${budget.scope} in every org until it is recreated with an org`);
    }
  }
  // Always present (budgets can be added through the admin API); admission is a no-op without budgets.
  const counters: BudgetCounters = options.redisUrl ? createRedisCounters(options.redisUrl) : createMemoryCounters();
  const alerts = createAlertNotifier({ store: storage.budgets, webhookUrl: config.alerts.webhookUrl, log });
  // Burn-rate alerts project each budget's period from the forecast (a straight line on short history).
  // The fits run on one worker thread (started on first use), never on the event loop that proxies traffic.
  const forecasts = createForecastPool();
  const spendProjector = createForecastProjector(storage.ledger, { runner: forecasts });
  // Cost reports are read and built on their own worker thread with its own read connection (started on first use).
  const reports = createReportPool(storage.location);
  const budgets = new BudgetEnforcer({ config, priceBook, counters, ledger: storage.ledger, alerts, now, log, flushLedger: () => writer.flush(), projector: spendProjector });
  budgets.setStoredBudgets(storedBudgets);
  // Budgets defined through another instance's admin API (a shared PostgreSQL store) arrive here too.
  const definitionSync =
    storage.backend === 'postgres'
      ? startDefinitionSync({
          list: () => storage.budgets.listBudgets(),
          apply: async (stored) => {
            budgets.setStoredBudgets(stored);
            await budgets.rebuild('background');
          },
          intervalMs: 5_000,
          redisUrl: options.redisUrl,
          log,
        })
      : undefined;
  await budgets.rebuild().catch((error: unknown) => log(`budget counters could not be rebuilt from the ledger: ${(error as Error).message}`));
  const keyCache = createKeyCache(storage.keys, { ttlMs: 30_000, maxEntries: 10_000 });
  const revocations = watchRevocations(keyCache, options.redisUrl, log);
  const router = new Router(config, priceBook, now);
  const configuredTargets = new Set(router.configuredTargets());
  registerBreakerGauge(metrics.registry, () => router.breakerViews().filter((view) => configuredTargets.has(view.target)));
  for (const warning of router.startupWarnings()) log(warning);
  const cache = await createResponseCache(config, { redisUrl: options.redisUrl, now, semanticStore: storage.semanticCache, log }).catch(async (error: unknown) => {
    await writer.close();
    await counters.close();
    await storage.close();
    throw error;
  });
  const recent = await storage.ledger.list({ fromMs: now() - 24 * 3_600_000 }, 50_000).catch(() => []);
  router.seed(recent);
  // Ledger rows name the served model (often dated, e.g. gpt-4o-2024-08-06); bounds are keyed by the configured upstream model.
  const targets = Object.values(config.models).map((m) => m.target.split('@') as [string, string]);
  const upstreamModelOf = (row: LedgerRecord) => {
    const served = row.servedModel ?? '';
    const match = targets.find(([model, provider]) => provider === row.provider && (served === model || served.startsWith(`${model}-`)));
    return match?.[0] ?? (served || undefined);
  };
  budgets.outputBounds.seed(recent, upstreamModelOf);
  // Input ratios need the request to re-estimate: only rows that kept their body (ledger.storeBodies).
  budgets.inputRatios.seed(recent, upstreamModelOf, estimateInputTokens);
  metrics.setBudgetSource(() => budgets.gauges());
  const keyLimiter = options.redisUrl ? createRedisRateLimiter(options.redisUrl, { log }) : createMemoryRateLimiter();
  const meterSink = fanOut([ledgerSink(writer), budgetSink(budgets), metricsSink(metrics), routerSink(router), localNodeSink(localNodes)]);
  const deps: PipelineDeps = { config, priceBook, ledger: writer, metrics, upstream, localNodes, budgets, router, cache, keyLimiter, meterSink, now };
  const embedderSpec = config.cache.semantic.embedder;
  const embedder = cache?.semantic?.embedder;
  if (embedderSpec.kind === 'upstream' && embedder && 'onUsage' in embedder) {
    const target = { providerId: embedderSpec.provider, provider: config.providers[embedderSpec.provider]!, upstreamModel: embedderSpec.model };
    (embedder as UpstreamEmbedder).onUsage = (tokens, text, startedAtMs) => meterCacheEmbedding(deps, target, tokens, text, startedAtMs);
  }
  const gauge = setInterval(() => {
    metrics.setLedgerState(writer.stats());
    if (cache) metrics.setCacheState({ semanticEntries: cache.semantic?.size ?? 0, guardRejections: cache.semantic?.guardRejections ?? 0, markedWrong: cache.evictedByFeedback });
  }, 5_000);
  gauge.unref();
  // The monitor's hourly checks and start-up catch-up read and detect on their own worker thread at background priority
  // (started by the first check), with their own read connection: neither proxied calls nor the dashboard's reads wait behind them.
  const anomalyScans = createAnomalyScanPool(storage.location);
  const anomalyMonitor = createAnomalyMonitor({ scan: anomalyScans.scan, store: storage.anomalies, delivery: anomalyAlerts(alerts), now, log });
  const anomalyChecks = config.alerts.anomalies ? startAnomalyChecks({ monitor: anomalyMonitor, flushLedger: () => writer.flush(), now, log }) : undefined;
  let closed = false;

  return {
    config,
    deps,
    ledger: storage.ledger,
    keys: storage.keys,
    budgetStore: storage.budgets,
    budgets,
    spendProjector,
    forecasts,
    reports,
    announceBudgets: () => definitionSync?.announce(),
    feedback: storage.feedback,
    anomalies: storage.anomalies,
    checkAnomalies: async () => {
      await writer.flush();
      return anomalyMonitor.check();
    },
    router,
    lookupKey: (secret) => keyCache.lookup(secret),
    invalidateKeys: () => revocations.announce(),
    ledgerStats: () => writer.stats(),
    flushLedger: () => writer.flush(),
    adminKey: options.adminKey || undefined,
    secrets,
    log,
    viewerKey: options.viewerKey || undefined,
    startedAtMs: now(),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(gauge);
      anomalyChecks?.close();
      await anomalyScans.close();
      revocations.close();
      await forecasts.close();
      await reports.close();
      await upstream.close();
      await writer.close();
      await counters.close();
      await keyLimiter.close();
      await definitionSync?.close();
      await cache?.close();
      await storage.close();
    },
  };
}

/** How often cached keys are re-checked against the store: a key revoked anywhere is refused everywhere within about this. */
const KEY_REVALIDATE_MS = 250;

/**
 * Revocation reaches every instance: cached keys are re-checked against the shared store every
 * KEY_REVALIDATE_MS (one batched query; catches the CLI's direct database writes and other
 * instances), and with Redis a revoke through the admin API is announced at once.
 */
function watchRevocations(keyCache: KeyCache, redisUrl: string | undefined, log: (line: string) => void): { announce(): void; close(): void } {
  let running = false;
  let failing = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    keyCache
      .revalidate()
      .then(() => {
        if (failing) log('key revalidation works again');
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing) log(`key revalidation failed (revoked keys may keep working until the store answers): ${(error as Error).message}`);
        failing = true;
      })
      .finally(() => {
        running = false;
      });
  }, KEY_REVALIDATE_MS);
  timer.unref();
  const channel = redisUrl ? openRedisChannel(redisUrl, 'tollgate:keys', () => keyCache.invalidate()) : undefined;
  return {
    announce() {
      keyCache.invalidate();
      channel?.publish('revoked');
    },
    close() {
      clearInterval(timer);
      channel?.close();
    },
  };
}

/** Keys declared in config are stored (hashed) at start; seeding the same secret again is a no-op. */
async function seedKeys(keys: KeyStore, config: TollgateConfig): Promise<void> {
  for (const seed of config.keys) {
    await keys.create({
      name: seed.name,
      secret: seed.secret,
      orgId: seed.org,
      projectId: seed.project,
      userId: seed.user ?? null,
      tags: seed.tags,
      allowAttributionHeaders: seed.allowAttributionHeaders,
      limits: keyLimitsFromInput(seed),
    });
  }
}
