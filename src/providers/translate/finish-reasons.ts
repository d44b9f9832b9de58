/** Anthropic `stop_reason` to OpenAI `finish_reason`. */
export function toOpenAiFinishReason(stopReason: unknown): string | null {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return typeof stopReason === 'string' ? 'stop' : null;
  }
}

/** OpenAI `finish_reason` to Anthropic `stop_reason`. */
export function toAnthropicStopReason(finishReason: unknown): string | null {
  switch (finishReason) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return typeof finishReason === 'string' ? 'end_turn' : null;
  }
}
