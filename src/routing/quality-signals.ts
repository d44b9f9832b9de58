/** Automatic quality signals of one response. Pure. */
export interface QualitySignals {
  empty: boolean;
  truncated: boolean;
  refusal: boolean;
  invalidJson: boolean;
  toolError: boolean;
  /** 1 for a clean answer, lower for each problem seen. */
  score: number;
}

export interface ResponseView {
  text: string;
  toolCalls: Array<{ name: string; arguments: string }>;
  finishReason: string | undefined;
}

const REFUSAL = /^\s*(?:I'm sorry|I am sorry|I apologi[sz]e|Sorry, (?:but )?I|I can(?:'|no)t (?:help|assist|comply|provide)|I won't|As an AI)/i;

export function qualitySignals(request: Record<string, unknown>, response: ResponseView): QualitySignals {
  // Client input: read only strings (a `null` tool or an object with its own `toString` must not throw).
  const format = request.response_format as { type?: unknown } | null | undefined;
  const wantsJson = typeof format?.type === 'string' && ['json_object', 'json_schema'].includes(format.type);
  const declared = new Set(
    (Array.isArray(request.tools) ? request.tools : []).map((tool) => {
      const record = (tool ?? {}) as { function?: { name?: unknown } | null; name?: unknown };
      const name = record.function?.name ?? record.name;
      return typeof name === 'string' ? name : '';
    }),
  );
  const empty = response.text.trim() === '' && response.toolCalls.length === 0;
  const truncated = response.finishReason === 'length' || response.finishReason === 'max_tokens';
  const refusal = REFUSAL.test(response.text.slice(0, 200)) || response.finishReason === 'content_filter' || response.finishReason === 'refusal';
  let invalidJson = false;
  if (wantsJson && !empty) {
    try {
      JSON.parse(response.text);
    } catch {
      invalidJson = true;
    }
  }
  const toolError = response.toolCalls.some((call) => {
    if (declared.size > 0 && !declared.has(call.name)) return true;
    try {
      JSON.parse(call.arguments || '{}');
      return false;
    } catch {
      return true;
    }
  });
  let score = 1;
  if (empty) score -= 1;
  if (truncated) score -= 0.5;
  if (refusal) score -= 0.7;
  if (invalidJson) score -= 0.8;
  if (toolError) score -= 0.8;
  return { empty, truncated, refusal, invalidJson, toolError, score: Math.max(0, score) };
}

/** The answer in a response body of either wire format (after translation to the client's). */
export function responseView(body: unknown, finishReason: string | undefined): ResponseView {
  const record = (body ?? {}) as Record<string, unknown>;
  const toolCalls: ResponseView['toolCalls'] = [];
  let text = '';
  if (Array.isArray(record.choices)) {
    const choice = record.choices[0] as { message?: { content?: unknown; tool_calls?: unknown }; text?: unknown } | undefined;
    text = typeof choice?.message?.content === 'string' ? choice.message.content : typeof choice?.text === 'string' ? choice.text : '';
    for (const call of Array.isArray(choice?.message?.tool_calls) ? choice.message.tool_calls : []) {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } }).function;
      toolCalls.push({ name: String(fn?.name ?? ''), arguments: String(fn?.arguments ?? '') });
    }
  } else if (Array.isArray(record.content)) {
    for (const block of record.content as Array<{ type?: unknown; text?: unknown; name?: unknown; input?: unknown }>) {
      if (block.type === 'text' && typeof block.text === 'string') text += block.text;
      if (block.type === 'tool_use') toolCalls.push({ name: String(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  return { text, toolCalls, finishReason };
}

/** A coarse task class for per-class quality: code, math, extraction (JSON/tools) or chat. */
export function taskClass(request: Record<string, unknown>, prompt: string): 'code' | 'math' | 'structured' | 'chat' {
  if (Array.isArray(request.tools) || request.response_format) return 'structured';
  // The opening of the prompt decides; regexes over a multi-megabyte prompt would stall the event loop.
  prompt = prompt.slice(0, 65_536);
  if (/```|\bdef |\bfunction\b|\bclass \w|#include|\bSELECT\b.*\bFROM\b/.test(prompt)) return 'code';
  if (/\d\s*[-+*/^=]\s*\d|\b(?:solve|equation|integral|derivative|calculate|how many)\b/i.test(prompt)) return 'math';
  return 'chat';
}
