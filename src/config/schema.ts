import { z } from 'zod';

/**
 * The whole configuration. Strict (unknown keys fail at start-up, so a typo is caught), with
 * defaults for everything but the providers. Amounts in config are decimal USD for humans; the
 * code converts them to nano-dollars once, at load.
 */
const usdAmount = z.number().nonnegative().finite();
const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (max 64)');

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
    timeoutMs: z.number().int().positive().default(600_000),
    /** Time allowed until response headers arrive (first byte). */
    headersTimeoutMs: z.number().int().positive().default(120_000),
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
  })
  .strict();
export type ModelConfig = z.infer<typeof modelSchema>;

export const priceOverrideSchema = z
  .object({
    /** Model name as the upstream reports it (exact match), or a prefix ending in `*`. */
    model: z.string().min(1),
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
    name: z.string().min(1),
    monthlyUsd: usdAmount,
    /** Attribution of the line; defaults to the whole org. */
    project: z.string().optional(),
  })
  .strict();
export type FixedCostConfig = z.infer<typeof fixedCostSchema>;

export const virtualKeySeedSchema = z
  .object({
    name: z.string().min(1),
    /** The secret clients send; usually `${ENV_VAR}`. Stored hashed. */
    secret: z.string().min(16),
    org: identifier.default('default'),
    project: identifier.default('default'),
    user: z.string().optional(),
    tags: z.array(z.string()).default([]),
    allowAttributionHeaders: z.boolean().default(true),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(4000),
        host: z.string().default('127.0.0.1'),
        bodyLimitBytes: z.number().int().positive().default(16 * 1024 * 1024),
        /** Accept proxy requests without a virtual key, attributed to this org/project. Off unless set. */
        anonymous: z
          .object({ org: identifier.default('default'), project: identifier.default('anonymous') })
          .strict()
          .optional(),
      })
      .strict()
      .default({ port: 4000, host: '127.0.0.1', bodyLimitBytes: 16 * 1024 * 1024 }),
    providers: z.record(identifier, providerSchema).refine((p) => Object.keys(p).length > 0, 'at least one provider'),
    models: z.record(z.string().min(1), modelSchema).default({}),
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
        flushIntervalMs: z.number().int().positive().default(250),
        /** Store prompts/responses in the ledger (off by default: privacy). */
        storeBodies: z.boolean().default(false),
      })
      .strict()
      .default({ batchSize: 500, flushIntervalMs: 250, storeBodies: false }),
    keys: z.array(virtualKeySeedSchema).default([]),
  })
  .strict();

export type TollgateConfig = z.infer<typeof configSchema>;
export type TollgateConfigInput = z.input<typeof configSchema>;
