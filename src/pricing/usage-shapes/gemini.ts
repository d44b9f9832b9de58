import { createUsage, type Usage } from '../../domain/usage.ts';

/**
 * Google Gemini `usageMetadata` (generateContent, Vertex AI) to `Usage`, read the way
 * genai-prices' google extractor reads it. Gemini's semantics differ from OpenAI's:
 * - `promptTokenCount` includes `cachedContentTokenCount`; tool-use prompt tokens
 *   (`toolUsePromptTokenCount`, e.g. search grounding results) are billed as input on top;
 * - `candidatesTokenCount` EXCLUDES `thoughtsTokenCount`, so output = candidates + thoughts
 *   (the bug behind several gateways' unpriced Gemini reasoning);
 * - per-modality counts go to `units` under genai-prices' names; DOCUMENT counts as image.
 * Not used by the gateway's wire formats yet; here so the accuracy suite covers Gemini prices.
 */
export function convertGeminiUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const prompt = readCount(usage, 'promptTokenCount');
  const candidates = readCount(usage, 'candidatesTokenCount');
  const thoughts = readCount(usage, 'thoughtsTokenCount');
  const toolUse = readCount(usage, 'toolUsePromptTokenCount');
  if (prompt === undefined && candidates === undefined && thoughts === undefined && toolUse === undefined) return undefined;

  const units: Record<string, number> = {};
  const add = (key: string, count: number | undefined): void => {
    if (count) units[key] = (units[key] ?? 0) + count;
  };
  const prompts = modalityCounts(usage.promptTokensDetails);
  const tools = modalityCounts(usage.toolUsePromptTokensDetails);
  const cached = modalityCounts(usage.cacheTokensDetails);
  const outputs = modalityCounts(usage.candidatesTokensDetails);
  for (const [modality, unit] of MODALITY_UNITS) {
    add(`input_${unit}_tokens`, prompts.get(modality));
    add(`input_${unit}_tokens`, tools.get(modality));
    add(`input_${unit}_tool_tokens`, tools.get(modality));
    add(`cache_${unit}_read_tokens`, cached.get(modality));
    add(`output_${unit}_tokens`, outputs.get(modality));
  }
  add('input_tool_tokens', toolUse);

  return createUsage({
    inputTotal: (prompt ?? 0) + (toolUse ?? 0),
    cacheRead: readCount(usage, 'cachedContentTokenCount'),
    outputTotal: (candidates ?? 0) + (thoughts ?? 0),
    reasoning: thoughts,
    units,
  });
}

/** Gemini modality names to genai-prices unit infixes; documents are priced as images. */
const MODALITY_UNITS: readonly (readonly [string, string])[] = [
  ['TEXT', 'text'],
  ['AUDIO', 'audio'],
  ['IMAGE', 'image'],
  ['DOCUMENT', 'image'],
  ['VIDEO', 'video'],
];

/** `[{modality: 'TEXT', tokenCount: 12}, …]` -> counts by upper-case modality (first entry of each, as genai-prices reads it). */
function modalityCounts(details: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(details)) return counts;
  for (const detail of details) {
    const record = asRecord(detail);
    const modality = typeof record?.modality === 'string' ? record.modality.toUpperCase() : undefined;
    const count = readCount(record, 'tokenCount');
    if (modality && count !== undefined && !counts.has(modality)) counts.set(modality, count);
  }
  return counts;
}

// Local tolerant readers (pricing does not depend on providers/).
function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function readCount(record: Record<string, unknown> | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
