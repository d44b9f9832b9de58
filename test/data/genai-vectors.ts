import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Usage } from '../../src/domain/usage.ts';
import { convertAnthropicUsage } from '../../src/providers/anthropic/convert-usage.ts';
import { convertOpenAiEmbeddingsUsage, convertOpenAiUsage } from '../../src/providers/openai/convert-usage.ts';
import { parseDecimal, roundHalfUpBig } from '../../src/pricing/decimal.ts';
import { convertGeminiUsage } from '../../src/pricing/usage-shapes/gemini.ts';

/**
 * Helpers for genai-prices' cost test vectors (`tests/dataset/usages.json`, copied into
 * ../shared/data/prices/genai-prices with the `data.json` they were generated from).
 *
 * Each entry holds a real provider response body and, grouped by the normalised usage
 * genai-prices extracted, the price it computes for every (provider, api_flavor) whose
 * extractor accepted the body.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const vectorsDir = path.resolve(repoRoot, '../shared/data/prices/genai-prices');
export const usagesPath = path.join(vectorsDir, 'usages.json');
export const dataPath = path.join(vectorsDir, 'data.json');
export const vectorsPresent = existsSync(usagesPath) && existsSync(dataPath);

export interface VectorExtractor {
  api_flavor: string;
  provider_id: string;
  input_price?: string;
  output_price?: string;
  total_price?: string;
}

export interface VectorGroup {
  usage: Record<string, number>;
  extractors: VectorExtractor[];
}

export interface VectorEntry {
  model: string;
  body: Record<string, unknown>;
  extracted: VectorGroup[];
}

export function loadVectors(): VectorEntry[] {
  return JSON.parse(readFileSync(usagesPath, 'utf8')) as VectorEntry[];
}

/** Our converters, named for the wire shape they read. */
export type ShapeName = 'openai' | 'openai-embeddings' | 'anthropic' | 'gemini';

/**
 * Which of our converters reads a body the way an (provider, api_flavor) extractor does:
 * `chat` and `responses` are OpenAI shapes (our converter tells chat from Responses by
 * `prompt_tokens` vs `input_tokens`); `embeddings` is the input-only embeddings converter (the
 * gateway knows the operation); `anthropic` is the Messages shape; `default` is the
 * provider's native shape: Messages for anthropic/minimax, usageMetadata for google, the OpenAI
 * chat shape for groq/mistral. Flavours with no converter of ours (Bedrock Converse `aws/default`,
 * Cohere, xAI/Perplexity native) return undefined: none of them has a priced vector.
 */
export function shapeFor(providerId: string, apiFlavor: string): ShapeName | undefined {
  switch (apiFlavor) {
    case 'chat':
    case 'responses':
      return 'openai';
    case 'embeddings':
      return 'openai-embeddings';
    case 'anthropic':
      return 'anthropic';
    case 'default':
      if (providerId === 'anthropic' || providerId === 'minimax') return 'anthropic';
      if (providerId === 'google') return 'gemini';
      if (providerId === 'groq' || providerId === 'mistral') return 'openai';
      return undefined;
    default:
      return undefined;
  }
}

/** Runs our converter on the part of the body that shape reads. */
export function convertBody(shape: ShapeName, body: Record<string, unknown>): Usage | undefined {
  switch (shape) {
    case 'openai':
      return convertOpenAiUsage(body.usage);
    case 'openai-embeddings':
      return convertOpenAiEmbeddingsUsage(body.usage);
    case 'anthropic':
      return convertAnthropicUsage(body.usage);
    case 'gemini':
      return convertGeminiUsage(body.usageMetadata);
  }
}

/** Our Usage in genai-prices' usage keys (only non-zero counts, as a comparable record). */
export function toGenaiUsage(usage: Usage): Record<string, number> {
  const record: Record<string, number> = {
    input_tokens: usage.input.total,
    cache_read_tokens: usage.input.cacheRead,
    cache_write_tokens: usage.input.cacheWrite,
    cache_write_1h_tokens: usage.input.cacheWrite1h,
    output_tokens: usage.output.total,
    output_reasoning_tokens: usage.output.reasoning,
    ...usage.units,
  };
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== 0));
}

/**
 * Differences between our normalised usage and genai-prices' (missing keys count as 0).
 * `cache_write_5m_tokens` is not a field of ours: it is checked as cacheWrite − cacheWrite1h.
 */
export function usageDifferences(ours: Usage, theirs: Record<string, number>): string[] {
  const mine = toGenaiUsage(ours);
  const expected = Object.fromEntries(Object.entries(theirs).filter(([key, value]) => value !== 0 && key !== 'cache_write_5m_tokens'));
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(mine), ...Object.keys(expected)])) {
    if ((mine[key] ?? 0) !== (expected[key] ?? 0)) differences.push(`${key}: ours ${mine[key] ?? 0}, genai-prices ${expected[key] ?? 0}`);
  }
  const fiveMinute = theirs.cache_write_5m_tokens;
  if (fiveMinute !== undefined && fiveMinute !== ours.input.cacheWrite - ours.input.cacheWrite1h) {
    differences.push(`cache_write_5m_tokens: ours ${ours.input.cacheWrite - ours.input.cacheWrite1h}, genai-prices ${fiveMinute}`);
  }
  return differences;
}

/**
 * An expected decimal USD string (Python Decimal text: "0.0090519", "7E-7"), rounded half up to
 * nano-USD exactly, with no float on the way.
 */
export function expectedNano(usd: string): number {
  const { coefficient, decimals } = parseDecimal(usd);
  return Number(roundHalfUpBig(coefficient * 1_000_000_000n, 10n ** BigInt(decimals)));
}
