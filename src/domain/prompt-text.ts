/** The text of the last user turn (or a completions prompt): what routers and quality classes look at. */
export function lastUserText(body: Record<string, unknown>): string {
  if (typeof body.prompt === 'string') return body.prompt;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as { role?: unknown; content?: unknown };
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    // Client input: only string parts count (a part whose own `toString` is not a function must not throw).
    if (Array.isArray(message.content)) return message.content.map((part) => ((part as { text?: unknown } | null)?.text ?? '')).map((text) => (typeof text === 'string' ? text : '')).join(' ');
  }
  return '';
}
