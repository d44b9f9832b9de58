import { asRecord } from '../read-fields.ts';

/** OpenAI chat fields with an Anthropic equivalent (translated) or none (dropped); every other field passes through as is. */
const TRANSLATED = new Set([
  'model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'tools', 'tool_choice', 'user', 'stream',
  'stream_options', 'n', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'seed', 'response_format',
  'parallel_tool_calls', 'store', 'service_tier', 'modalities', 'reasoning_effort', 'metadata', 'functions', 'function_call', 'prediction', 'audio',
]);

export const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
type Message = { role: 'user' | 'assistant'; content: Block[] };

/** An OpenAI chat completions request as an Anthropic Messages request. */
export function openAiToAnthropicRequest(body: Record<string, unknown>, model: string, stream: boolean): Record<string, unknown> {
  const system: string[] = [];
  const messages: Message[] = [];
  const push = (role: Message['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const raw of Array.isArray(body.messages) ? body.messages : []) {
    const message = asRecord(raw) ?? {};
    const role = message.role;
    if (role === 'system' || role === 'developer') system.push(textOf(message.content));
    else if (role === 'assistant') push('assistant', assistantBlocks(message));
    else if (role === 'tool') push('user', [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) }]);
    else push('user', contentBlocks(message.content));
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!TRANSLATED.has(key)) out[key] = value;
  out.model = model;
  if (system.length) out.system = system.join('\n\n');
  out.messages = messages;
  out.max_tokens = body.max_completion_tokens ?? body.max_tokens ?? DEFAULT_MAX_TOKENS;
  if (body.temperature !== undefined && body.temperature !== null) out.temperature = Math.min(Number(body.temperature), 1);
  if (body.top_p !== undefined && body.top_p !== null) out.top_p = body.top_p;
  if (typeof body.stop === 'string') out.stop_sequences = [body.stop];
  else if (Array.isArray(body.stop)) out.stop_sequences = body.stop;
  const tools = translateTools(body.tools);
  if (tools) out.tools = tools;
  const toolChoice = translateToolChoice(body.tool_choice, body.parallel_tool_calls);
  if (toolChoice) out.tool_choice = toolChoice;
  if (typeof body.user === 'string') out.metadata = { user_id: body.user };
  if (stream) out.stream = true;
  return out;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => asRecord(part))
    .filter((part) => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part!.text as string)
    .join('\n');
}

function contentBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  const blocks: Block[] = [];
  for (const raw of content) {
    const part = asRecord(raw);
    if (!part) continue;
    if (part.type === 'text') blocks.push({ type: 'text', text: part.text });
    else if (part.type === 'image_url') {
      const url = String(asRecord(part.image_url)?.url ?? part.image_url ?? '');
      const data = /^data:([^;]+);base64,(.*)$/s.exec(url);
      blocks.push(data ? { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } } : { type: 'image', source: { type: 'url', url } });
    }
  }
  return blocks;
}

function assistantBlocks(message: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  const text = textOf(message.content);
  if (text) blocks.push({ type: 'text', text });
  for (const raw of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    const call = asRecord(raw);
    const fn = asRecord(call?.function);
    if (!call || !fn) continue;
    blocks.push({ type: 'tool_use', id: call.id, name: fn.name, input: parseArguments(fn.arguments) });
  }
  return blocks;
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value || '{}');
  } catch {
    return { _raw: value };
  }
}

function translateTools(tools: unknown): Block[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools
    .map((raw) => asRecord(asRecord(raw)?.function))
    .filter((fn): fn is Record<string, unknown> => fn !== undefined)
    .map((fn) => ({ name: fn.name, ...(fn.description ? { description: fn.description } : {}), input_schema: fn.parameters ?? { type: 'object', properties: {} } }));
}

function translateToolChoice(choice: unknown, parallel: unknown): Block | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'auto') return { type: 'auto', ...disable };
  if (choice === 'required') return { type: 'any', ...disable };
  if (choice === 'none') return { type: 'none' };
  const name = asRecord(asRecord(choice)?.function)?.name;
  if (typeof name === 'string') return { type: 'tool', name, ...disable };
  return parallel === false ? { type: 'auto', ...disable } : undefined;
}
