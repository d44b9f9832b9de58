import type { Operation, WireFormat } from '../domain/request.ts';
import { asRecord } from '../providers/read-fields.ts';

/**
 * The neutral view of a chat request for the cache key: what the model is asked, in neither wire's
 * words, so an OpenAI chat request and the Anthropic Messages request that asks the same of the
 * same model key alike. Pure.
 *
 * - Neutral: the model asked for, the system prompt (OpenAI's leading `system` messages, Anthropic's
 *   `system` string or text blocks: one entry per message or block), the turns (text, images, tool
 *   calls and tool results; tool-call ids become ordinals, since they only pair calls with results),
 *   the output cap (`max_tokens` / `max_completion_tokens`: a cap can truncate), temperature, top_p,
 *   stop sequences, tools, tool choice and parallel tool use.
 * - Left out: what never changes the answer (`stream`, `stream_options`, `user`, `metadata`,
 *   `store`, `service_tier`, prompt-cache hints such as `cache_control`).
 * - Wire-only: a field or content part only one wire defines (OpenAI `response_format`, `seed`,
 *   `n`, `logprobs`, penalties, `reasoning_effort`, `developer` messages, image `detail`, system
 *   messages after the first turn; Anthropic `top_k`, `thinking`, `is_error` on a tool result,
 *   documents, thinking blocks in the history, server tools) is keyed under the wire's name, so a
 *   request using one is only ever answered from its own wire's entries.
 * - Fields neither wire defines pass through every translation unchanged, so they key by their
 *   name alone.
 *
 * Undefined (the caller keeps the wire's own key) for anything else: legacy completions,
 * embeddings, a body whose messages are not a list of objects, both token caps set and different.
 */
export function neutralRequestView(wire: WireFormat, operation: Operation, body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof body.model !== 'string') return undefined;
  if (wire === 'openai' && operation === 'chat') return fromOpenAi(body);
  if (wire === 'anthropic' && operation === 'messages') return fromAnthropic(body);
  return undefined;
}

/** Never change the answer (as for the wire keys). */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier']);
/** Read into the neutral view. */
const OPENAI_NEUTRAL = new Set(['model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'tools', 'tool_choice', 'parallel_tool_calls']);
const ANTHROPIC_NEUTRAL = new Set(['model', 'system', 'messages', 'max_tokens', 'temperature', 'top_p', 'stop_sequences', 'tools', 'tool_choice']);
/** Defined by one wire only, with no neutral meaning: keyed under the wire's name. */
const OPENAI_ONLY = new Set([
  'n', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'seed', 'response_format', 'modalities', 'reasoning_effort',
  'functions', 'function_call', 'prediction', 'audio', 'verbosity', 'web_search_options', 'best_of', 'suffix', 'echo',
]);
const ANTHROPIC_ONLY = new Set(['top_k', 'thinking', 'container', 'mcp_servers', 'context_management', 'output_format', 'output_config']);

type View = Record<string, unknown>;
type Block = Record<string, unknown>;
interface Turn {
  role: string;
  content: Block[];
  rest?: Array<[string, unknown]> | undefined;
}

/** Maps tool-call ids to ordinals in order of appearance (the same conversation carries `call_…` ids on one wire, `toolu_…` on the other). */
function idOrdinals(): (id: unknown) => number | string {
  const seen = new Map<string, number>();
  return (id) => {
    if (typeof id !== 'string') return `raw:${String(id)}`;
    let ordinal = seen.get(id);
    if (ordinal === undefined) seen.set(id, (ordinal = seen.size));
    return ordinal;
  };
}

/** Own fields of `record` outside `known`, as sorted pairs (never assigned onto an object: `__proto__` stays data). */
function restOf(record: Record<string, unknown>, known: ReadonlySet<string>): Array<[string, unknown]> | undefined {
  // Keys first, pairs only for what is left (nearly always nothing): no array of entries per message and part.
  let rest: Array<[string, unknown]> | undefined;
  for (const key of Object.keys(record)) {
    if (known.has(key)) continue;
    const value = record[key];
    if (value !== undefined) (rest ??= []).push([key, value]);
  }
  return rest?.sort(byKey);
}

/** Pairs by key, in code-unit order. */
const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

/** The top-level fields the neutral view does not read: wire-only ones under the wire's name, unknown ones under their own. */
function extras(body: Record<string, unknown>, wire: WireFormat, neutral: ReadonlySet<string>, only: ReadonlySet<string>): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const key of Object.keys(body)) {
    if (neutral.has(key) || IGNORED.has(key)) continue;
    const value = body[key];
    if (value !== undefined) out.push([only.has(key) ? `${wire}:${key}` : `x:${key}`, value]);
  }
  return out.sort(byKey);
}

const given = (value: unknown) => (value === null ? undefined : value);

function fromOpenAi(body: Record<string, unknown>): View | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const ordinal = idOrdinals();
  const system: string[] = [];
  const turns: Turn[] = [];
  let leading = true;
  for (const raw of body.messages) {
    const message = asRecord(raw);
    if (!message) return undefined;
    const role = message.role;
    const rest = restOf(message, MESSAGE_FIELDS);
    if (role === 'system' && leading && !rest) {
      const text = openAiSystemText(message.content);
      if (text !== undefined) {
        system.push(text);
        continue;
      }
    }
    leading = false;
    if (role === 'user' || role === 'tool') {
      const blocks = role === 'tool' ? [{ type: 'tool_result', id: ordinal(message.tool_call_id), content: openAiToolText(message.content) }] : openAiParts(message.content);
      // Tool results and the user text after them are one turn, as on the Anthropic wire.
      const last = turns.at(-1);
      if (!rest && last?.role === 'user' && !last.rest && last.content.length > 0 && last.content.every((block) => block.type === 'tool_result')) last.content.push(...blocks);
      else turns.push({ role: 'user', content: blocks, rest });
    } else if (role === 'assistant') {
      const content: Block[] = message.content === null || message.content === undefined ? [] : openAiParts(message.content);
      for (const rawCall of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
        const call = asRecord(rawCall);
        const fn = asRecord(call?.function);
        if (!call || call.type !== 'function' || !fn) content.push({ type: 'openai:tool_call', call: rawCall });
        else content.push({ type: 'tool_call', id: ordinal(call.id), name: fn.name, input: parseArguments(fn.arguments) });
      }
      if (message.tool_calls !== undefined && !Array.isArray(message.tool_calls)) content.push({ type: 'openai:tool_calls', value: message.tool_calls });
      turns.push({ role: 'assistant', content, rest });
    } else {
      // `developer`, a system message after the conversation began, or a role only OpenAI knows.
      turns.push({ role: `openai:${String(role)}`, content: [{ type: 'openai:content', value: message.content }], rest });
    }
  }
  const capped = given(body.max_completion_tokens);
  const legacyCap = given(body.max_tokens);
  if (capped !== undefined && legacyCap !== undefined && capped !== legacyCap) return undefined;
  const tools = given(body.tools);
  const view: View = {
    model: body.model,
    system,
    turns: turns.map(turnView),
    maxTokens: capped ?? legacyCap,
    temperature: given(body.temperature),
    topP: given(body.top_p),
    stop: typeof body.stop === 'string' ? [body.stop] : given(body.stop),
    tools: Array.isArray(tools) ? tools.map(openAiTool) : tools,
    toolChoice: openAiToolChoice(given(body.tool_choice)),
    parallelToolCalls: given(body.parallel_tool_calls),
    extra: extras(body, 'openai', OPENAI_NEUTRAL, OPENAI_ONLY),
  };
  return view;
}

const MESSAGE_FIELDS = new Set(['role', 'content', 'tool_calls', 'tool_call_id']);

function turnView(turn: Turn): Record<string, unknown> {
  return turn.rest ? { role: turn.role, content: turn.content, rest: turn.rest } : { role: turn.role, content: turn.content };
}

/** A system message's text: a string, or text parts (joined as the Anthropic translation joins them); undefined for anything else. */
function openAiSystemText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const raw of content) {
    const part = asRecord(raw);
    if (part?.type !== 'text' || typeof part.text !== 'string' || restOf(part, TEXT_PART)) return undefined;
    texts.push(part.text);
  }
  return texts.join('\n');
}

const TEXT_PART = new Set(['type', 'text']);
const IMAGE_PART = new Set(['type', 'image_url']);

function openAiParts(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [{ type: 'openai:content', value: content }];
  return content.map((raw): Block => {
    const part = asRecord(raw);
    if (part?.type === 'text' && typeof part.text === 'string' && !restOf(part, TEXT_PART)) return { type: 'text', text: part.text };
    if (part?.type === 'image_url' && !restOf(part, IMAGE_PART)) {
      const image = asRecord(part.image_url);
      const url = image ? image.url : part.image_url;
      const detail = image ? restOf(image, URL_FIELD) : undefined;
      if (typeof url === 'string') return detail ? { type: 'image', url, 'openai:image': detail } : { type: 'image', url };
    }
    return { type: 'openai:part', part: raw };
  });
}

const URL_FIELD = new Set(['url']);

function openAiToolText(content: unknown): unknown {
  if (typeof content === 'string') return content;
  const text = openAiSystemText(content);
  return text ?? { 'openai:content': content };
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return { 'openai:arguments': value };
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return { 'openai:arguments': value };
  }
}

const FUNCTION_FIELDS = new Set(['name', 'description', 'parameters']);

function openAiTool(raw: unknown): unknown {
  const tool = asRecord(raw);
  const fn = asRecord(tool?.function);
  if (!tool || tool.type !== 'function' || !fn || restOf(tool, TOOL_FIELDS)) return { 'openai:tool': raw };
  return { name: fn.name, description: fn.description, parameters: fn.parameters, rest: restOf(fn, FUNCTION_FIELDS) };
}

const TOOL_FIELDS = new Set(['type', 'function']);

function openAiToolChoice(choice: unknown): unknown {
  if (choice === undefined) return undefined;
  if (choice === 'auto' || choice === 'none') return { mode: choice };
  if (choice === 'required') return { mode: 'any' };
  const name = asRecord(asRecord(choice)?.function)?.name;
  if (asRecord(choice)?.type === 'function' && typeof name === 'string') return { mode: 'tool', name };
  return { 'openai:tool_choice': choice };
}

function fromAnthropic(body: Record<string, unknown>): View | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const ordinal = idOrdinals();
  const turns: Turn[] = [];
  for (const raw of body.messages) {
    const message = asRecord(raw);
    if (!message) return undefined;
    const rest = restOf(message, ANTHROPIC_MESSAGE_FIELDS);
    const role = message.role === 'user' || message.role === 'assistant' ? message.role : `anthropic:${String(message.role)}`;
    turns.push({ role, content: anthropicBlocks(message.content, ordinal), rest });
  }
  const choice = asRecord(body.tool_choice);
  const tools = given(body.tools);
  const view: View = {
    model: body.model,
    system: anthropicSystem(given(body.system)),
    turns: turns.map(turnView),
    maxTokens: given(body.max_tokens),
    temperature: given(body.temperature),
    topP: given(body.top_p),
    stop: given(body.stop_sequences),
    tools: Array.isArray(tools) ? tools.map(anthropicTool) : tools,
    toolChoice: anthropicToolChoice(choice, given(body.tool_choice)),
    parallelToolCalls: typeof choice?.disable_parallel_tool_use === 'boolean' ? !choice.disable_parallel_tool_use : undefined,
    extra: extras(body, 'anthropic', ANTHROPIC_NEUTRAL, ANTHROPIC_ONLY),
  };
  return view;
}

const ANTHROPIC_MESSAGE_FIELDS = new Set(['role', 'content']);
/** Prompt-caching hints: change what a call costs, never what it answers. */
const CACHE_HINTS = new Set(['cache_control']);

function anthropicSystem(system: unknown): unknown {
  if (system === undefined) return [];
  if (typeof system === 'string') return [system];
  if (!Array.isArray(system)) return { 'anthropic:system': system };
  return system.map((raw) => {
    const block = asRecord(raw);
    if (block?.type === 'text' && typeof block.text === 'string' && !restOf(block, TEXT_BLOCK)) return block.text;
    return { 'anthropic:system': withoutHints(raw) };
  });
}

const TEXT_BLOCK = new Set(['type', 'text', 'cache_control']);
const IMAGE_BLOCK = new Set(['type', 'source', 'cache_control']);
const TOOL_USE_BLOCK = new Set(['type', 'id', 'name', 'input', 'cache_control']);
const TOOL_RESULT_BLOCK = new Set(['type', 'tool_use_id', 'content', 'cache_control']);

function anthropicBlocks(content: unknown, ordinal: (id: unknown) => number | string): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [{ type: 'anthropic:content', value: content }];
  return content.map((raw): Block => {
    const block = asRecord(raw);
    if (block?.type === 'text' && typeof block.text === 'string' && !restOf(block, TEXT_BLOCK)) return { type: 'text', text: block.text };
    if (block?.type === 'image' && !restOf(block, IMAGE_BLOCK)) {
      const source = asRecord(block.source);
      if (source?.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string') return { type: 'image', url: `data:${source.media_type};base64,${source.data}` };
      if (source?.type === 'url' && typeof source.url === 'string') return { type: 'image', url: source.url };
    }
    if (block?.type === 'tool_use' && !restOf(block, TOOL_USE_BLOCK)) return { type: 'tool_call', id: ordinal(block.id), name: block.name, input: block.input };
    if (block?.type === 'tool_result' && !restOf(block, TOOL_RESULT_BLOCK)) {
      return { type: 'tool_result', id: ordinal(block.tool_use_id), content: anthropicToolText(block.content) };
    }
    return { type: 'anthropic:block', block: withoutHints(raw) };
  });
}

function anthropicToolText(content: unknown): unknown {
  if (typeof content === 'string') return content;
  if (content === undefined) return '';
  if (!Array.isArray(content)) return { 'anthropic:content': content };
  const texts: string[] = [];
  for (const raw of content) {
    const block = asRecord(raw);
    if (block?.type !== 'text' || typeof block.text !== 'string' || restOf(block, TEXT_BLOCK)) return { 'anthropic:content': withoutHints(content) };
    texts.push(block.text);
  }
  return texts.join('\n');
}

const ANTHROPIC_TOOL_FIELDS = new Set(['name', 'description', 'input_schema', 'cache_control']);

function anthropicTool(raw: unknown): unknown {
  const tool = asRecord(raw);
  if (!tool || (tool.type !== undefined && tool.type !== 'custom') || restOf(tool, new Set([...ANTHROPIC_TOOL_FIELDS, 'type']))) return { 'anthropic:tool': withoutHints(raw) };
  return { name: tool.name, description: tool.description, parameters: tool.input_schema, rest: undefined };
}

function anthropicToolChoice(choice: Record<string, unknown> | undefined, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  if (choice?.type === 'auto' || choice?.type === 'any' || choice?.type === 'none') return { mode: choice.type };
  if (choice?.type === 'tool' && typeof choice.name === 'string') return { mode: 'tool', name: choice.name };
  return { 'anthropic:tool_choice': raw };
}

/** A block (or list of blocks) without prompt-caching hints, as pairs where a hint was dropped. */
function withoutHints(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutHints);
  const record = asRecord(value);
  if (!record || !Object.hasOwn(record, 'cache_control')) return value;
  return restOf(record, CACHE_HINTS);
}
