import { readFileSync } from 'node:fs';

/**
 * The genai-prices v2 catalogue format (`prices/new_data/v2/data.json`, and what the npm package
 * bundles): providers, each with models, each with match logic and prices in $ per million tokens
 * (or per thousand requests, per hour of audio… see units.ts). Read once at start-up and validated
 * here, so the hot path can trust the shapes.
 */
export type MatchLogic =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: MatchLogic[] }
  | { and: MatchLogic[] };

export interface PriceTier {
  /** The tier applies once the request's total input tokens EXCEED this count. */
  start: number;
  price: number | string;
}

/** Long-context pricing: `base` up to the first tier's `start`, then that tier's price for ALL tokens. */
export interface TieredPrice {
  base: number | string;
  tiers: PriceTier[];
}

/** A price is a decimal number (or exact decimal text, used by operator overrides) or tiers. */
export type PriceValue = number | string | TieredPrice;

/** Price key (`input_mtok`, `cache_read_mtok`, `requests_kcount`, …) to price. */
export type ModelPrices = Record<string, PriceValue | undefined>;

export type PriceConstraint =
  | { type: 'start_date'; start_date: string }
  | { type: 'time_of_date'; start_time: string; end_time: string };

export interface ConditionalPrices {
  constraint?: PriceConstraint | undefined;
  prices: ModelPrices;
}

export interface CatalogueModel {
  id: string;
  name?: string | undefined;
  match: MatchLogic;
  context_window?: number | undefined;
  deprecated?: boolean | undefined;
  /** One price list, or a list whose entries apply by date or time of day (last matching wins). */
  prices: ModelPrices | ConditionalPrices[];
}

export interface CatalogueProvider {
  id: string;
  name: string;
  api_pattern?: string | undefined;
  /** Used to guess the provider from a model name when no provider is given. */
  model_match?: MatchLogic | undefined;
  /** Used to find the provider from a provider id that is not its own id. */
  provider_match?: MatchLogic | undefined;
  /** Providers whose models this one also serves at the same prices (azure → openai, anthropic). */
  fallback_model_providers?: string[] | undefined;
  models: CatalogueModel[];
}

export type Catalogue = readonly CatalogueProvider[];

/** Reads and validates a catalogue JSON file (genai-prices v2 `data.json` format). */
export function loadCatalogueFile(path: string): CatalogueProvider[] {
  return parseCatalogue(JSON.parse(readFileSync(path, 'utf8')), path);
}

/**
 * Validates a parsed catalogue and returns a normalised copy. Throws with the path of the first
 * bad field: a broken price file must fail at start-up, not price requests at $0.
 * Constraints written without `type` (older data) get it, as genai-prices does.
 */
export function parseCatalogue(value: unknown, origin = 'catalogue'): CatalogueProvider[] {
  if (!Array.isArray(value)) throw new CatalogueError(origin, 'expected an array of providers');
  return value.map((provider, index) => parseProvider(provider, `${origin}[${index}]`));
}

export class CatalogueError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'CatalogueError';
  }
}

function parseProvider(value: unknown, path: string): CatalogueProvider {
  const record = requireRecord(value, path);
  const id = requireString(record.id, `${path}.id`);
  const models = record.models;
  if (!Array.isArray(models)) throw new CatalogueError(`${path}.models`, 'expected an array');
  const fallbacks = record.fallback_model_providers;
  if (fallbacks !== undefined && (!Array.isArray(fallbacks) || !fallbacks.every((entry) => typeof entry === 'string'))) {
    throw new CatalogueError(`${path}.fallback_model_providers`, 'expected an array of provider ids');
  }
  return {
    id,
    name: typeof record.name === 'string' ? record.name : id,
    api_pattern: typeof record.api_pattern === 'string' ? record.api_pattern : undefined,
    model_match: record.model_match === undefined ? undefined : parseMatch(record.model_match, `${path}.model_match`),
    provider_match: record.provider_match === undefined ? undefined : parseMatch(record.provider_match, `${path}.provider_match`),
    fallback_model_providers: fallbacks as string[] | undefined,
    models: models.map((model, index) => parseModel(model, `${path}.models[${index}]`)),
  };
}

function parseModel(value: unknown, path: string): CatalogueModel {
  const record = requireRecord(value, path);
  const contextWindow = record.context_window;
  if (contextWindow !== undefined && contextWindow !== null && (typeof contextWindow !== 'number' || !(contextWindow > 0))) {
    throw new CatalogueError(`${path}.context_window`, 'expected a positive number');
  }
  const prices = Array.isArray(record.prices)
    ? record.prices.map((entry, index) => parseConditional(entry, `${path}.prices[${index}]`))
    : parsePrices(record.prices, `${path}.prices`);
  if (Array.isArray(prices) && prices.length === 0) throw new CatalogueError(`${path}.prices`, 'expected at least one price list');
  return {
    id: requireString(record.id, `${path}.id`),
    name: typeof record.name === 'string' ? record.name : undefined,
    match: parseMatch(record.match, `${path}.match`),
    context_window: typeof contextWindow === 'number' ? contextWindow : undefined,
    deprecated: record.deprecated === true ? true : undefined,
    prices,
  };
}

function parseConditional(value: unknown, path: string): ConditionalPrices {
  const record = requireRecord(value, path);
  const prices = parsePrices(record.prices, `${path}.prices`);
  if (record.constraint === undefined || record.constraint === null) return { prices };
  const constraint = requireRecord(record.constraint, `${path}.constraint`);
  if ((constraint.type === undefined || constraint.type === 'start_date') && typeof constraint.start_date === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(constraint.start_date) || Number.isNaN(Date.parse(`${constraint.start_date}T00:00:00Z`))) {
      throw new CatalogueError(`${path}.constraint.start_date`, 'expected YYYY-MM-DD');
    }
    return { constraint: { type: 'start_date', start_date: constraint.start_date }, prices };
  }
  const timeOfDay = constraint.type === undefined || constraint.type === 'time_of_date';
  if (timeOfDay && typeof constraint.start_time === 'string' && typeof constraint.end_time === 'string') {
    // Validated here so a bad time fails at load; price-schedule.ts reads it when compiling.
    for (const key of ['start_time', 'end_time'] as const) {
      if (!/^\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(constraint[key] as string)) {
        throw new CatalogueError(`${path}.constraint.${key}`, 'expected HH:MM:SS with a Z or ±HH:MM offset');
      }
    }
    return { constraint: { type: 'time_of_date', start_time: constraint.start_time, end_time: constraint.end_time }, prices };
  }
  throw new CatalogueError(`${path}.constraint`, `expected a start_date or time_of_date constraint, got ${JSON.stringify(constraint)}`);
}

function parsePrices(value: unknown, path: string): ModelPrices {
  const record = requireRecord(value, path);
  const prices: ModelPrices = {};
  for (const [key, price] of Object.entries(record)) {
    if (price === undefined || price === null) continue;
    prices[key] = parsePriceValue(price, `${path}.${key}`);
  }
  return prices;
}

function parsePriceValue(value: unknown, path: string): PriceValue {
  if (isAmount(value)) return value;
  const record = requireRecord(value, path);
  if (!isAmount(record.base) || !Array.isArray(record.tiers)) throw new CatalogueError(path, 'expected a number or {base, tiers}');
  const tiers = record.tiers.map((tier, index) => {
    const entry = requireRecord(tier, `${path}.tiers[${index}]`);
    if (typeof entry.start !== 'number' || !Number.isSafeInteger(entry.start) || entry.start < 0 || !isAmount(entry.price)) {
      throw new CatalogueError(`${path}.tiers[${index}]`, 'expected {start: integer >= 0, price: number >= 0}');
    }
    return { start: entry.start, price: entry.price };
  });
  // Sorted by start, as genai-prices does: the highest crossed threshold wins.
  tiers.sort((a, b) => a.start - b.start);
  return { base: record.base, tiers };
}

function parseMatch(value: unknown, path: string): MatchLogic {
  const record = requireRecord(value, path);
  const keys = Object.keys(record);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined) throw new CatalogueError(path, 'expected exactly one match clause');
  const operand = record[key];
  switch (key) {
    case 'or':
    case 'and':
      if (!Array.isArray(operand)) throw new CatalogueError(`${path}.${key}`, 'expected an array of clauses');
      return { [key]: operand.map((clause, index) => parseMatch(clause, `${path}.${key}[${index}]`)) } as MatchLogic;
    case 'equals':
    case 'starts_with':
    case 'ends_with':
    case 'contains':
      return { [key]: requireString(operand, `${path}.${key}`) } as MatchLogic;
    case 'regex': {
      const pattern = requireString(operand, `${path}.regex`);
      try {
        new RegExp(pattern);
      } catch {
        throw new CatalogueError(`${path}.regex`, `invalid regular expression ${JSON.stringify(pattern)}`);
      }
      return { regex: pattern };
    }
    default:
      throw new CatalogueError(path, `unknown match clause ${JSON.stringify(key)}`);
  }
}

function isAmount(value: unknown): value is number | string {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0;
  return typeof value === 'string' && /^\d*(?:\.\d*)?$/.test(value) && /\d/.test(value);
}

function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CatalogueError(path, 'expected an object');
  return value as Record<string, unknown>;
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new CatalogueError(path, 'expected a non-empty string');
  return value;
}
