/**
 * The billable units genai-prices knows, with their price keys, their denominators and their
 * dimensions. Copied from @pydantic/genai-prices 0.1.8 (MIT), which does not export the table.
 *
 * The dimensions form a lattice: a unit is an ANCESTOR of another when its dimensions are a
 * subset of the other's (`input_tokens` ⊂ `cache_read_tokens` ⊂ `cache_audio_read_tokens`). A
 * usage count of an ancestor includes the counts of its descendants, so when both are priced the
 * descendant's tokens are charged at the descendant's rate and only the rest at the ancestor's.
 * That is how a missing cache price falls back to the input price: unpriced cache reads simply
 * stay inside `input_tokens`.
 */
export type Dimensions = Readonly<Record<string, string>>;

export interface UnitDef {
  /** Usage key: `input_tokens`, `cache_write_1h_tokens`, `web_searches`. */
  readonly usageKey: string;
  /** Price key in the catalogue: `input_mtok`, `cache_write_1h_mtok`, `web_searches_kcount`. */
  readonly priceKey: string;
  /** How many usage units one catalogue price is for (1e6 tokens, 1000 requests, 3600 seconds). */
  readonly per: number;
  readonly dimensions: Dimensions;
  /** Which side of the bill the unit is on; units without a direction (requests, tool calls) are 'other'. */
  readonly direction: 'input' | 'output' | 'other';
}

type Row = readonly [usageKey: string, priceKey: string, per: number, dimensions: Dimensions];

const ROWS: readonly Row[] = [
  ['audio_seconds', 'audio_hours', 3600, { family: 'durations', modality: 'audio' }],
  ['cache_audio_read_tokens', 'cache_audio_read_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'audio', token_type: 'cache_read' }],
  ['cache_audio_write_1h_tokens', 'cache_audio_write_1h_mtok', 1e6, { family: 'tokens', cache_ttl: '1h', direction: 'input', modality: 'audio', token_type: 'cache_write' }],
  ['cache_audio_write_5m_tokens', 'cache_audio_write_5m_mtok', 1e6, { family: 'tokens', cache_ttl: '5m', direction: 'input', modality: 'audio', token_type: 'cache_write' }],
  ['cache_audio_write_tokens', 'cache_audio_write_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'audio', token_type: 'cache_write' }],
  ['cache_image_read_tokens', 'cache_image_read_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'image', token_type: 'cache_read' }],
  ['cache_image_write_1h_tokens', 'cache_image_write_1h_mtok', 1e6, { family: 'tokens', cache_ttl: '1h', direction: 'input', modality: 'image', token_type: 'cache_write' }],
  ['cache_image_write_5m_tokens', 'cache_image_write_5m_mtok', 1e6, { family: 'tokens', cache_ttl: '5m', direction: 'input', modality: 'image', token_type: 'cache_write' }],
  ['cache_image_write_tokens', 'cache_image_write_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'image', token_type: 'cache_write' }],
  ['cache_read_tokens', 'cache_read_mtok', 1e6, { family: 'tokens', direction: 'input', token_type: 'cache_read' }],
  ['cache_text_read_tokens', 'cache_text_read_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'text', token_type: 'cache_read' }],
  ['cache_text_write_1h_tokens', 'cache_text_write_1h_mtok', 1e6, { family: 'tokens', cache_ttl: '1h', direction: 'input', modality: 'text', token_type: 'cache_write' }],
  ['cache_text_write_5m_tokens', 'cache_text_write_5m_mtok', 1e6, { family: 'tokens', cache_ttl: '5m', direction: 'input', modality: 'text', token_type: 'cache_write' }],
  ['cache_text_write_tokens', 'cache_text_write_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'text', token_type: 'cache_write' }],
  ['cache_video_read_tokens', 'cache_video_read_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'video', token_type: 'cache_read' }],
  ['cache_video_write_1h_tokens', 'cache_video_write_1h_mtok', 1e6, { family: 'tokens', cache_ttl: '1h', direction: 'input', modality: 'video', token_type: 'cache_write' }],
  ['cache_video_write_5m_tokens', 'cache_video_write_5m_mtok', 1e6, { family: 'tokens', cache_ttl: '5m', direction: 'input', modality: 'video', token_type: 'cache_write' }],
  ['cache_video_write_tokens', 'cache_video_write_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'video', token_type: 'cache_write' }],
  ['cache_write_1h_tokens', 'cache_write_1h_mtok', 1e6, { family: 'tokens', cache_ttl: '1h', direction: 'input', token_type: 'cache_write' }],
  ['cache_write_5m_tokens', 'cache_write_5m_mtok', 1e6, { family: 'tokens', cache_ttl: '5m', direction: 'input', token_type: 'cache_write' }],
  ['cache_write_tokens', 'cache_write_mtok', 1e6, { family: 'tokens', direction: 'input', token_type: 'cache_write' }],
  ['code_executions', 'code_executions_kcount', 1000, { family: 'tool_calls', tool_type: 'code_execution' }],
  ['input_annotated_document_pages', 'input_annotated_document_kpages', 1000, { family: 'document_pages', direction: 'input', page_type: 'annotated' }],
  ['input_audio_seconds', 'input_audio_hours', 3600, { family: 'durations', direction: 'input', modality: 'audio' }],
  ['input_audio_tokens', 'input_audio_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'audio' }],
  ['input_audio_tool_tokens', 'input_audio_tool_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'audio', token_type: 'tool' }],
  ['input_characters', 'input_mchars', 1e6, { family: 'characters', direction: 'input' }],
  ['input_document_pages', 'input_document_kpages', 1000, { family: 'document_pages', direction: 'input' }],
  ['input_image_tokens', 'input_image_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'image' }],
  ['input_image_tool_tokens', 'input_image_tool_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'image', token_type: 'tool' }],
  ['input_pixels', 'input_gpixels', 1e9, { family: 'pixels', direction: 'input' }],
  ['input_text_messages', 'input_text_messages_kcount', 1000, { family: 'messages', direction: 'input', modality: 'text' }],
  ['input_text_tokens', 'input_text_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'text' }],
  ['input_text_tool_tokens', 'input_text_tool_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'text', token_type: 'tool' }],
  ['input_tokens', 'input_mtok', 1e6, { family: 'tokens', direction: 'input' }],
  ['input_tool_tokens', 'input_tool_mtok', 1e6, { family: 'tokens', direction: 'input', token_type: 'tool' }],
  ['input_video_tokens', 'input_video_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'video' }],
  ['input_video_tool_tokens', 'input_video_tool_mtok', 1e6, { family: 'tokens', direction: 'input', modality: 'video', token_type: 'tool' }],
  ['output_audio_citation_tokens', 'output_audio_citation_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'audio', token_type: 'citation' }],
  ['output_audio_reasoning_tokens', 'output_audio_reasoning_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'audio', token_type: 'reasoning' }],
  ['output_audio_seconds', 'output_audio_hours', 3600, { family: 'durations', direction: 'output', modality: 'audio' }],
  ['output_audio_tokens', 'output_audio_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'audio' }],
  ['output_citation_tokens', 'output_citation_mtok', 1e6, { family: 'tokens', direction: 'output', token_type: 'citation' }],
  ['output_image_citation_tokens', 'output_image_citation_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'image', token_type: 'citation' }],
  ['output_image_reasoning_tokens', 'output_image_reasoning_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'image', token_type: 'reasoning' }],
  ['output_image_tokens', 'output_image_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'image' }],
  ['output_reasoning_tokens', 'output_reasoning_mtok', 1e6, { family: 'tokens', direction: 'output', token_type: 'reasoning' }],
  ['output_text_citation_tokens', 'output_text_citation_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'text', token_type: 'citation' }],
  ['output_text_reasoning_tokens', 'output_text_reasoning_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'text', token_type: 'reasoning' }],
  ['output_text_tokens', 'output_text_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'text' }],
  ['output_tokens', 'output_mtok', 1e6, { family: 'tokens', direction: 'output' }],
  ['output_video_citation_tokens', 'output_video_citation_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'video', token_type: 'citation' }],
  ['output_video_reasoning_tokens', 'output_video_reasoning_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'video', token_type: 'reasoning' }],
  ['output_video_tokens', 'output_video_mtok', 1e6, { family: 'tokens', direction: 'output', modality: 'video' }],
  ['requests', 'requests_kcount', 1000, { family: 'requests' }],
  ['rerank_searches', 'rerank_searches_kcount', 1000, { family: 'rerank' }],
  ['social_searches', 'social_searches_kcount', 1000, { family: 'tool_calls', tool_type: 'social_search' }],
  ['storage_searches', 'storage_searches_kcount', 1000, { family: 'tool_calls', tool_type: 'storage_search' }],
  ['web_searches', 'web_searches_kcount', 1000, { family: 'tool_calls', tool_type: 'web_search' }],
];

export const UNITS: readonly UnitDef[] = ROWS.map(([usageKey, priceKey, per, dimensions]) => ({
  usageKey,
  priceKey,
  per,
  dimensions,
  direction: dimensions.direction === 'input' ? 'input' : dimensions.direction === 'output' ? 'output' : 'other',
}));

const BY_PRICE_KEY = new Map(UNITS.map((unit) => [unit.priceKey, unit]));

/** The unit a catalogue price key prices, or undefined for a key this version does not know. */
export function unitForPriceKey(priceKey: string): UnitDef | undefined {
  return BY_PRICE_KEY.get(priceKey);
}

/** True when `ancestor`'s dimensions are a subset of `unit`'s: the ancestor's count includes the unit's. */
export function isAncestorOrSelf(ancestor: UnitDef, unit: UnitDef): boolean {
  for (const [name, value] of Object.entries(ancestor.dimensions)) {
    if (unit.dimensions[name] !== value) return false;
  }
  return true;
}

/** True when no dimension conflicts: some usage could be counted by both (they overlap). */
export function overlaps(a: UnitDef, b: UnitDef): boolean {
  for (const [name, value] of Object.entries(a.dimensions)) {
    const other = b.dimensions[name];
    if (other !== undefined && other !== value) return false;
  }
  return true;
}

/** The unit whose dimensions are the union of both (`cache_read` ⋈ `input_audio` = `cache_audio_read`). */
export function joinOf(a: UnitDef, b: UnitDef): UnitDef | undefined {
  if (!overlaps(a, b)) return undefined;
  const merged: Record<string, string> = { ...a.dimensions, ...b.dimensions };
  const names = Object.keys(merged);
  return UNITS.find(
    (unit) => Object.keys(unit.dimensions).length === names.length && names.every((name) => unit.dimensions[name] === merged[name]),
  );
}
