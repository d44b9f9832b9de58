import { asRecord } from '../read-fields.ts';

/** Anthropic Messages fields translated (or, with no OpenAI equivalent, dropped); every other field passes through as is. */
const TRANSLATED = new Set([
  'model', 'system', 'messages', 'max_tokens', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'tools', 'tool_choice', 'metadata',
  'stream', 'thinking', 'service_tier', 'container', 'mcp_servers',
]);

type Message = Record<string, unknown>;

export interface AnthropicToOpenAiOptions {
  /**
   * Where Anthropic's `max_tokens` goes: OpenAI itself takes `max_completion_tokens` (its reasoning
   * models reject `max_tokens`); compatible servers (vLLM, Ollama, llama.cpp) know `max_tokens`.
   */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

/** An Anthropic Messages request as an OpenAI chat completions request. */
export function anthropicToOpenAiRequest(
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
  options: AnthropicToOpenAiOptions = { maxTokensField: 'max_tokens' },
): Record<string, unknown> {
  const messages: Message[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const raw of Array.isArray(body.messages) ? body.messages : []) {
    const message = asRecord(raw) ?? {};
    if (message.role === 'assistant') messages.push(assistantMessage(message.content));
    else messages.push(...userMessages(message.content));
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!TRANSLATED.has(key)) out[key] = value;
  out.model = model;
  out.messages = messages;
  if (body.max_tokens !== undefined && body.max_tokens !== null) out[options.maxTokensField] = body.max_tokens;
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences)) out.stop = body.stop_sequences;
  if (Array.isArray(body.tools)) {
    out.tools = body.tools
      .map((raw) => asRecord(raw))
      .filter((tool): tool is Record<string, unknown> => tool !== undefined && typeof tool.name === 'string')
      .map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.input_schema ?? { type: 'object' } } }));
  }
  const choice = asRecord(body.tool_choice);
  if (choice?.type === 'auto') out.tool_choice = 'auto';
  else if (choice?.type === 'any') out.tool_choice = 'required';
  else if (choice?.type === 'none') out.tool_choice = 'none';
  else if (choice?.type === 'tool') out.tool_choice = { type: 'function', function: { name: choice.name } };
  if (choice?.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  const userId = asRecord(body.metadata)?.user_id;
  if (typeof userId === 'string') out.user = userId;
  if (stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  return out;
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system.map((block) => asRecord(block)).filter((block) => block?.type === 'text').map((block) => String(block!.text)).join('\n\n');
}

function userMessages(content: unknown): Message[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  if (!Array.isArray(content)) return [];
  const out: Message[] = [];
  const parts: Record<string, unknown>[] = [];
  for (const raw of content) {
    const block = asRecord(raw);
    if (!block) continue;
    if (block.type === 'tool_result') {
      out.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block.content) });
    } else if (block.type === 'text') {
      parts.push({ type: 'text', text: block.text });
    } else if (block.type === 'image') {
      const source = asRecord(block.source);
      const url = source?.type === 'base64' ? `data:${String(source.media_type)};base64,${String(source.data)}` : String(source?.url ?? '');
      parts.push({ type: 'image_url', image_url: { url } });
    }
  }
  if (parts.length) {
    const onlyText = parts.every((part) => part.type === 'text');
    out.push({ role: 'user', content: onlyText ? parts.map((part) => String(part.text)).join('\n') : parts });
  }
  return out;
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => asRecord(block)).filter((block) => block?.type === 'text').map((block) => String(block!.text)).join('\n');
}

function assistantMessage(content: unknown): Message {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text: string[] = [];
  const toolCalls: unknown[] = [];
  for (const raw of Array.isArray(content) ? content : []) {
    const block = asRecord(raw);
    if (block?.type === 'text') text.push(String(block.text));
    else if (block?.type === 'tool_use') toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
  }
  const message: Message = { role: 'assistant', content: text.length ? text.join('') : null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return message;
}
