import { z } from 'zod';
import { label } from './label.ts';

/**
 * The whole configuration. Strict (unknown keys fail at start-up, so a typo is caught), with
 * defaults for everything but the providers. Amounts in config are decimal USD for humans; the
 * code converts them to nano-dollars once, at load.
 */
const usdAmount = z.number().nonnegative().finite();
/**
 * The largest budget limit: money is counted in integer nano-dollars, exact up to 2^53 (about $9.007
 * million). A larger limit cannot be represented, and every request the budget covers, and every
 * budget status, would fail on it.
 */
export const MAX_BUDGET_LIMIT_USD = 9_000_000;
/** The smallest positive budget limit, one nano-dollar: a smaller one would round to $0 (and block everything while saying "$0 of $0"). */
export const MIN_BUDGET_LIMIT_USD = 1e-9;
/**
 * The longest duration a config field may give in milliseconds: 2^31-1 (about 24.8 days), the most
 * Node's timers hold. A longer one was silently cut to 1 ms by setTimeout, so a "practically infinite"
 * timeout fired at once.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;
/** A duration in whole milliseconds, bounded by what a timer can wait. */
const durationMs = () => z.number().int().max(MAX_DURATION_MS, `at most ${MAX_DURATION_MS} ms (about 24.8 days, the longest a Node timer can wait)`);
const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (max 64)');

/** Records keyed by user-chosen names are looked up with request input: no `constructor`/`__proto__` from Object.prototype. */
function withoutPrototype<T>(record: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, record);
}

export const providerKinds = ['openai', 'anthropic', 'openrouter', 'openai-compatible'] as const;
export type ProviderKind = (typeof providerKinds)[number];

export const providerSchema = z
  .object({
    kind: z.enum(providerKinds),
    /** Base URL including the version prefix for OpenAI-style APIs, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1. */
    baseUrl: z.string().url(),
    /** Upstream credential; `${ENV_VAR}` is substituted at load. Never logged. */
    apiKey: z.string().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: durationMs().positive().default(600_000),
    /** Time allowed until response headers arrive (first byte). */
    headersTimeoutMs: durationMs().positive().default(120_000),
    /** A whole non-streamed answer must arrive within this of the request (`timeoutMs` bounds the gap between chunks). */
    totalTimeoutMs: durationMs().positive().default(600_000),
    connections: z.number().int().positive().max(1024).default(128),
    /** For `openai-compatible` local servers: the local node whose $/hour is amortised over its tokens. */
    node: identifier.optional(),
    /** genai-prices provider id used for list prices when it differs from the config id (e.g. `openai` for an Azure-hosted deployment). */
    priceProvider: z.string().optional(),
  })
  .strict();
export type ProviderConfig = z.infer<typeof providerSchema>;

export const modelSchema = z
  .object({
    /** `upstream-model@provider-id`. */
    target: z.string().regex(/^[^@\s]+@[A-Za-z0-9._-]+$/, 'must be model@provider'),
    contextWindow: z.number().int().positive().optional(),
    /** Fallback targets tried in order when the first fails with a retryable error (routing issue extends this). */
    fallbacks: z.array(z.string().regex(/^[^@\s]+@[A-Za-z0-9._-]+$/)).default([]),
    /**
     * What the model can do, where the operator knows better than the catalogue: true/false; a
     * capability left out is unknown, and unknown never excludes a model (a known false does).
     */
    capabilities: z.object({ tools: z.boolean().optional(), vision: z.boolean().optional(), json: z.boolean().optional() }).strict().default({}),
    /** Operations the model serves; default from the price catalogue and the name (`embed` → embedding), else chat. */
    operations: z.array(z.enum(['chat', 'completion', 'embedding', 'messages'])).min(1).optional(),
    /** Prior quality estimate in [0, 1] (measured quality signals refine it). */
    quality: z.number().min(0).max(1).optional(),
    /** Expected latency before any is measured, ms. */
    expectedLatencyMs: z.number().positive().max(MAX_DURATION_MS, `at most ${MAX_DURATION_MS} ms`).optional(),
    /** Targets equivalent to `target` (the same model on other providers or deployments): load is spread over them, least busy first. */
    equivalents: z.array(z.string().regex(/^[^@\s]+@[A-Za-z0-9._-]+$/)).default([]),
    /** Where prompts longer than `contextWindow` (estimated input tokens) go instead, e.g. a cloud model behind a local one. */
    overflowTarget: z.string().regex(/^[^@\s]+@[A-Za-z0-9._-]+$/).optional(),
  })
  .strict();
export type ModelConfig = z.infer<typeof modelSchema>;

export const priceOverrideSchema = z
  .object({
    /** Model name as the upstream reports it (exact match), or a prefix ending in `*`. A label: no control characters or bidi overrides. */
    model: label(),
    /** Config provider id; omit to apply on every provider. */
    provider: z.string().optional(),
    inputPerMTokUsd: usdAmount.optional(),
    outputPerMTokUsd: usdAmount.optional(),
    cacheReadPerMTokUsd: usdAmount.optional(),
    cacheWritePerMTokUsd: usdAmount.optional(),
    /** Per-request fee. */
    requestUsd: usdAmount.optional(),
    /** Negotiated discount applied on top of list or override prices, in percent (0-100). */
    discountPercent: z.number().min(0).max(100).optional(),
  })
  .strict();
export type PriceOverride = z.infer<typeof priceOverrideSchema>;

export const localNodeSchema = z
  .object({
    id: identifier,
    /** What the node costs per hour (GPU or CPU box, power and amortised hardware). */
    hourlyUsd: usdAmount,
    /** Throughput assumed before any has been measured, in tokens/second (input+output). */
    expectedTokensPerSecond: z.number().positive().default(1000),
  })
  .strict();
export type LocalNodeConfig = z.infer<typeof localNodeSchema>;

export const fixedCostSchema = z
  .object({
    name: label(),
    monthlyUsd: usdAmount,
    /** Attribution of the line; defaults to the whole org. */
    project: z.string().optional(),
  })
  .strict();
export type FixedCostConfig = z.infer<typeof fixedCostSchema>;

/**
 * Per-key limits as config and the admin API write them (`expiresAt` as ISO 8601; stored as
 * `expiresAtMs`). Absent fields mean no limit of that kind.
 */
export const keyLimitFields = {
  /** Requests per minute (fixed one-minute windows; shared across instances through Redis when REDIS_URL is set). */
  requestsPerMinute: z.number().int().positive().max(1_000_000_000).optional(),
  /** Tokens per minute: estimated input plus the output bound (max_tokens × n) of each request. */
  tokensPerMinute: z.number().int().positive().max(1_000_000_000_000).optional(),
  /** The key is refused (401) from this instant, e.g. `2026-12-31T00:00:00Z`. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  /** Model names or globs (`*` any run of characters) the key may ask for and be routed to. */
  allowedModels: z.array(z.string().min(1).max(256)).min(1).max(256).optional(),
  /** Cap on max_tokens / max_completion_tokens; requests without one are given this cap. */
  maxTokens: z.number().int().positive().max(100_000_000).optional(),
  /** Cap on `n` / `best_of`. */
  maxN: z.number().int().positive().max(128).optional(),
  /** Body limit for this key's requests (bytes). */
  bodyLimitBytes: z.number().int().positive().max(1024 * 1024 * 1024).optional(),
};

export const virtualKeySeedSchema = z
  .object({
    name: label(),
    /** The secret clients send; usually `${ENV_VAR}`. Stored hashed. */
    secret: z.string().min(16),
    org: identifier.default('default'),
    project: identifier.default('default'),
    user: label().optional(),
    tags: z.array(label()).default([]),
    /** Let x-tollgate-user/-tags and the body's user/metadata refine attribution (user where none is bound, extra tags). Off by default. */
    allowAttributionHeaders: z.boolean().default(false),
    ...keyLimitFields,
  })
  .strict();
export type VirtualKeySeed = z.infer<typeof virtualKeySeedSchema>;

export const routeStrategies = ['cheapest', 'fastest', 'balanced', 'quality-first', 'cost-constrained', 'local-first', 'learned'] as const;
export type RouteStrategy = (typeof routeStrategies)[number];

export const routeSchema = z
  .object({
    strategy: z.enum(routeStrategies),
    /** Model aliases (from `models`) the route chooses among; default: every model with a price. */
    candidates: z.array(z.string().min(1)).optional(),
    /** `balanced`: relative weights of cost, quality and latency. */
    weights: z.object({ cost: z.number().min(0).default(1), quality: z.number().min(0).default(1), latency: z.number().min(0).default(0.5) }).strict().optional(),
    /** `cost-constrained`: the most one request may cost (worst case) and the least quality it accepts. */
    maxCostUsd: z.number().positive().optional(),
    minQuality: z.number().min(0).max(1).optional(),
    /** `local-first`: prompts above this many input tokens go to the cloud. */
    localContextThreshold: z.number().int().positive().default(4096),
    /** `local-first`: requests in flight per local target before it counts as saturated. */
    localMaxInFlight: z.number().int().positive().default(32),
    /** `learned`: the strong and weak model aliases, the trained artefact (`tollgate router train`), and an optional threshold override. */
    strong: z.string().min(1).optional(),
    weak: z.string().min(1).optional(),
    artefact: z.string().min(1).optional(),
    threshold: z.number().min(0).max(1).optional(),
    /**
     * `learned`: what the route does while its artefact is missing or unreadable (the gateway starts
     * anyway and warns): `strong` (default: no answer gets worse), `weak`, or `length` (prompts of at
     * least `fallbackLengthTokens` estimated input tokens go strong).
     */
    fallbackRule: z.enum(['strong', 'weak', 'length']).default('strong'),
    fallbackLengthTokens: z.number().int().positive().default(500),
    /** The model alias that goes first for prompts of a task class (`coding`, `maths`, ... or an operator's class); the strategy orders the rest. */
    taskRules: z.array(z.object({ taskClass: z.string().min(1).max(64), model: z.string().min(1) }).strict()).max(64).optional(),
  })
  .strict()
  .refine((r) => r.strategy !== 'learned' || (r.strong !== undefined && r.weak !== undefined && r.artefact !== undefined), 'a learned route needs strong, weak and artefact');
export type RouteConfig = z.infer<typeof routeSchema>;

export const budgetScopeKinds = ['global', 'org', 'project', 'user', 'key', 'tag', 'model', 'provider'] as const;
export type BudgetScopeKind = (typeof budgetScopeKinds)[number];
/** Scopes whose names are only unique inside an org: their budgets must name the org. */
export const ORG_QUALIFIED_SCOPES: ReadonlySet<BudgetScopeKind> = new Set(['project', 'user', 'tag']);
export const budgetActions = ['alert', 'downgrade', 'queue', 'block'] as const;
export type BudgetAction = (typeof budgetActions)[number];

export const budgetThresholdSchema = z
  .object({
    /** Percent of the limit (spent + reserved + accrued fixed costs) at which the action applies. */
    percent: z.number().positive().max(1000),
    action: z.enum(budgetActions),
    /** For `downgrade`: the model (alias or model@provider) to serve instead. */
    downgradeTo: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => t.action !== 'downgrade' || t.downgradeTo !== undefined, 'a downgrade threshold needs downgradeTo');
export type BudgetThreshold = z.infer<typeof budgetThresholdSchema>;

export const budgetSchema = z
  .object({
    id: identifier,
    scope: z.enum(budgetScopeKinds),
    /** The project/org/user/key id, tag, model or provider the budget covers; omitted for `global`. */
    value: label().optional(),
    /**
     * The org whose project/user/tag (required for those scopes, or write `value: org/name`) or whose
     * key/model/provider traffic (optional: without it, every org's) the budget covers.
     */
    org: identifier.optional(),
    /** Calendar periods in `timezone`, or a rolling window of `rollingHours`. */
    period: z.enum(['daily', 'weekly', 'monthly', 'rolling']),
    rollingHours: z.number().int().positive().max(24 * 366).optional(),
    timezone: z.string().default('UTC'),
    limitUsd: z
      .number()
      .positive()
      .min(MIN_BUDGET_LIMIT_USD, `at least ${MIN_BUDGET_LIMIT_USD.toFixed(9)} (one nano-dollar, the unit money is counted in)`)
      .max(MAX_BUDGET_LIMIT_USD, `at most ${MAX_BUDGET_LIMIT_USD} (money is counted in nano-dollars, exact up to about $9 million)`),
    /** Fixed monthly costs and local node hours accrue into this budget (global and org budgets). */
    includeFixedCosts: z.boolean().default(false),
    thresholds: z.array(budgetThresholdSchema).max(32).default([
      { percent: 50, action: 'alert' },
      { percent: 80, action: 'alert' },
      { percent: 95, action: 'alert' },
      { percent: 100, action: 'block' },
    ]),
    /** When the shared counter store (Redis) is unreachable: refuse (fail-closed) or allow and reconcile later (fail-open). */
    onCounterFailure: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
    /** `x-tollgate-budget-override` value that lets a request through this budget only (compared in constant time, audited). */
    overrideToken: z.string().min(16).max(512).optional(),
  })
  .strict()
  .refine((b) => (b.scope === 'global') === (b.value === undefined), 'value is required for every scope but global, and not allowed for global')
  .refine((b) => !ORG_QUALIFIED_SCOPES.has(b.scope) || b.org !== undefined || /^[^/]+\/.+$/.test(b.value ?? ''), {
    message: 'project, user and tag budgets belong to one org: set org (org: acme) or write value as org/name (acme/web)',
    path: ['org'],
  })
  .refine((b) => b.org === undefined || (b.scope !== 'global' && b.scope !== 'org'), { message: 'org is not allowed on global and org budgets (an org budget names its org in value)', path: ['org'] })
  .refine((b) => (b.period === 'rolling') === (b.rollingHours !== undefined), 'rollingHours is required with period: rolling (and only then)')
  .refine((b) => isTimeZone(b.timezone), 'unknown time zone');
export type BudgetConfig = z.infer<typeof budgetSchema>;
export type BudgetConfigInput = z.input<typeof budgetSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const alertsSchema = z
  .object({
    /** Slack-compatible incoming webhook (JSON `{text, …}`). */
    webhookUrl: z.string().url().optional(),
    /** Alert when the current burn rate would exhaust a budget before its period ends. */
    burnRate: z.boolean().default(true),
    /** Check the ledger for cost anomalies as each hour closes and deliver new ones through these alert channels. */
    anomalies: z.boolean().default(true),
  })
  .strict();

/** A named key for the admin API: `admin` reads and changes, `viewer` only reads; with `org`, confined to that org. */
export const adminKeySchema = z
  .object({
    name: identifier,
    /** The bearer secret; usually `${ENV_VAR}`. Compared by SHA-256 digest in constant time. */
    secret: z.string().min(16),
    role: z.enum(['admin', 'viewer']).default('admin'),
    /** Confine the key to one org: it sees and manages only that org's keys, budgets, usage and alerts. */
    org: identifier.optional(),
  })
  .strict();
export type AdminKeyConfig = z.infer<typeof adminKeySchema>;

export const adminSchema = z
  .object({
    /** Admin API keys besides the operator's TOLLGATE_ADMIN_KEY (and TOLLGATE_VIEWER_KEY). */
    keys: z.array(adminKeySchema).default([]),
    /** Require an operator key (admin or viewer, not org-confined) on `GET /metrics`. */
    metricsRequireKey: z.boolean().default(false),
  })
  .strict()
  .refine((a) => new Set(a.keys.map((k) => k.name)).size === a.keys.length, 'admin key names must be unique')
  .refine((a) => new Set(a.keys.map((k) => k.secret)).size === a.keys.length, 'admin key secrets must be unique');
export type AdminConfig = z.infer<typeof adminSchema>;

export const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(4000),
        host: z.string().default('127.0.0.1'),
        /** Largest accepted request body (a virtual key may set its own). 4 MiB holds any text prompt; images belong in URLs. */
        bodyLimitBytes: z.number().int().positive().default(4 * 1024 * 1024),
        /** JSON request bodies nesting arrays/objects deeper than this are refused with a 400. */
        maxJsonDepth: z.number().int().min(8).max(1_000).default(64),
        /** A client must finish sending its request headers within this. */
        headersTimeoutMs: durationMs().positive().default(10_000),
        /** A client must finish uploading its whole request (headers and body) within this; streamed responses are not bounded by it. */
        bodyTimeoutMs: durationMs().positive().default(20_000),
        /** Idle keep-alive connections are closed after this. */
        keepAliveTimeoutMs: durationMs().positive().default(65_000),
        /** Requests served on one keep-alive connection before it is closed (0 = no limit). */
        maxRequestsPerSocket: z.number().int().min(0).default(1_000),
        /** Open connections overall; further ones are dropped (0 = no limit). */
        maxConnections: z.number().int().min(0).default(10_000),
        /** Open connections from one client address; further ones are dropped (0 = no limit). Raise it behind a reverse proxy. */
        maxConnectionsPerAddress: z.number().int().min(0).default(256),
        /**
         * Requests refused at the edge (no or bad key, bad JSON, too large) per client address: a token
         * bucket of `burst` refilled at `perSecond`; once empty that address gets 429 until it refills.
         */
        rejectionRateLimit: z
          .object({ perSecond: z.number().positive().default(20), burst: z.number().int().positive().default(100) })
          .strict()
          .prefault({}),
        /** On SIGTERM/SIGINT, how long requests in flight may finish before they are cut (default 10,000). */
        shutdownTimeoutMs: durationMs().min(0).max(600_000).optional(),
        /** Accept proxy requests without a virtual key, attributed to this org/project. Off unless set. */
        anonymous: z
          .object({ org: identifier.default('default'), project: identifier.default('anonymous') })
          .strict()
          .optional(),
      })
      .strict()
      .refine((server) => server.headersTimeoutMs <= server.bodyTimeoutMs, 'headersTimeoutMs must not exceed bodyTimeoutMs')
      .prefault({}),
    providers: z.record(identifier, providerSchema).refine((p) => Object.keys(p).length > 0, 'at least one provider'),
    models: z.record(z.string().min(1), modelSchema).default({}).transform(withoutPrototype),
    /** Where a model name that is not in `models` and has no `@provider` goes; unset means 404 model_not_found. */
    defaultProvider: identifier.optional(),
    pricing: z
      .object({
        overrides: z.array(priceOverrideSchema).default([]),
        localNodes: z.array(localNodeSchema).default([]),
        fixedCosts: z.array(fixedCostSchema).default([]),
      })
      .strict()
      .default({ overrides: [], localNodes: [], fixedCosts: [] }),
    ledger: z
      .object({
        batchSize: z.number().int().positive().max(10_000).default(500),
        flushIntervalMs: durationMs().positive().default(250),
        /** Store prompts/responses in the ledger (off by default: privacy). */
        storeBodies: z.boolean().default(false),
        /** Flush the write-ahead journal to disk at every group commit: answered requests survive a power loss, not only a crash. */
        fsync: z.boolean().default(false),
      })
      .strict()
      .default({ batchSize: 500, flushIntervalMs: 250, storeBodies: false, fsync: false }),
    keys: z.array(virtualKeySeedSchema).default([]),
    /** Named routes (`model: "<name>"` or `tollgate/<name>`); `tollgate/<strategy>` works without one. */
    routes: z.record(z.string().min(1), routeSchema).default({}).transform(withoutPrototype),
    routing: z
      .object({
        /** Attempts per target on retryable errors (1 = no retry), with exponential backoff and jitter. */
        attemptsPerTarget: z.number().int().min(1).max(10).default(2),
        backoffMs: durationMs().nonnegative().max(60_000, 'at most 60000 ms (it doubles with each attempt, up to 512 times, and a timer waits at most about 24.8 days)').default(100),
        /** Consecutive failures that open a target's circuit, and how long it stays open. */
        breakerThreshold: z.number().int().positive().default(5),
        breakerCooldownMs: durationMs().positive().default(30_000),
      })
      .strict()
      .default({ attemptsPerTarget: 2, backoffMs: 100, breakerThreshold: 5, breakerCooldownMs: 30_000 }),
    /** Response caching. Exact cache in process (byte-bounded LRU), or in Redis when REDIS_URL is set. */
    cache: z
      .object({
        enabled: z.boolean().default(true),
        ttlSeconds: z.number().int().positive().default(3_600),
        maxMegabytes: z.number().positive().default(64),
        /** Serve answers across orgs under this one namespace (off: every org has its own). A label: no control characters or bidi overrides. */
        sharedNamespace: label().optional(),
        /** Guarded semantic cache, asked after an exact miss (same policy: deterministic or opt-in requests only). */
        semantic: z
          .object({
            enabled: z.boolean().default(false),
            /** Cosine similarity a neighbour needs before the guard checks it (0.9: tuned on QQP's training part). */
            threshold: z.number().min(0.5).max(1).default(0.9),
            maxEntries: z.number().int().positive().default(50_000),
            /**
             * What of the semantic cache reaches disk (the ledger's database): `none` (default) keeps
             * entries in memory only, so no prompt or answer is written and the cache starts cold;
             * `full` persists each entry (last user turn, its vector and the full answer) so a
             * restart keeps the cache warm. With `none`, entries an earlier run persisted are deleted at start.
             */
            persist: z.enum(['none', 'full']).default('none'),
            /**
             * What decides on a neighbour: `guard` (default), the rule-based guard; `verifier`, hard
             * vetoes then a learned pair verifier (trained on QQP; use with a looser `threshold` such as 0.6).
             */
            decision: z.enum(['guard', 'verifier']).default('guard'),
            /** `hashed` (built in, offline), any OpenAI-compatible `/v1/embeddings` provider from `providers`, or a local ONNX model. */
            embedder: z
              .discriminatedUnion('kind', [
                z.object({ kind: z.literal('hashed'), dimensions: z.number().int().min(32).max(4_096).default(256) }).strict(),
                z.object({ kind: z.literal('upstream'), provider: z.string().min(1), model: z.string().min(1) }).strict(),
                /** A sentence-embedding model exported to ONNX in a local folder (needs the optional onnxruntime-node). */
                z.object({ kind: z.literal('onnx'), path: z.string().min(1), maxTokens: z.number().int().min(8).max(8_192).default(256) }).strict(),
              ])
              .default({ kind: 'hashed', dimensions: 256 }),
          })
          .strict()
          .default({ enabled: false, threshold: 0.9, maxEntries: 50_000, persist: 'none', decision: 'guard', embedder: { kind: 'hashed', dimensions: 256 } }),
      })
      .strict()
      .default({ enabled: true, ttlSeconds: 3_600, maxMegabytes: 64, semantic: { enabled: false, threshold: 0.9, maxEntries: 50_000, persist: 'none', decision: 'guard', embedder: { kind: 'hashed', dimensions: 256 } } }),
    /** Model experiments: send `share` of a model's traffic to a candidate (A/B), or call the candidate too without returning it (shadow). */
    experiments: z
      .record(
        identifier,
        z.object({ model: z.string().min(1), candidate: z.string().min(1), share: z.number().min(0).max(1), mode: z.enum(['ab', 'shadow']).default('ab') }).strict(),
      )
      .default({})
      .transform(withoutPrototype),
    budgets: z.array(budgetSchema).default([]),
    /** Keep at least `target` of the requests on local nodes (providers with `node`); cloud only while the share allows. */
    localShare: z
      .object({
        target: z.number().min(0).max(1),
        period: z.enum(['daily', 'weekly', 'monthly']).default('monthly'),
        timezone: z.string().default('UTC'),
      })
      .strict()
      .optional(),
    alerts: alertsSchema.default({ burnRate: true, anomalies: true }),
    /** Admin API roles (viewer, org-scoped admins) and /metrics protection. */
    admin: adminSchema.default({ keys: [], metricsRequireKey: false }),
    /** Budget enforcement knobs. */
    enforcement: z
      .object({
        /** Output tokens assumed for the worst case when a request sets no max_tokens (per-model learned bounds refine it). */
        defaultMaxOutputTokens: z.number().int().positive().default(4096),
        /** Queue: how many low-priority requests may wait, and for how long. */
        queueLimit: z.number().int().nonnegative().default(1000),
        queueTimeoutMs: durationMs().positive().default(30_000),
        /** Header value that lets a request through every blocking budget (audited in the ledger); unset disables the global override. */
        overrideToken: z.string().min(16).max(512).optional(),
        /** Per org: a header value that lets the org's requests through the org's own budgets (never an operator budget). */
        orgOverrideTokens: z.record(identifier, z.string().min(16).max(512)).default({}),
        /** What refusals and `x-tollgate-budget-remaining-usd` tell a caller: its own budgets only (`own`), or every budget (`all`, single tenant). */
        discloseBudgets: z.enum(['own', 'all']).default('own'),
      })
      .strict()
      .default({ defaultMaxOutputTokens: 4096, queueLimit: 1000, queueTimeoutMs: 30_000, orgOverrideTokens: {}, discloseBudgets: 'own' }),
  })
  .strict();

export type TollgateConfig = z.infer<typeof configSchema>;
export type TollgateConfigInput = z.input<typeof configSchema>;
