import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-key.ts';

/** What the semantic cache compares: the last user turn, and a digest of everything else that shapes the answer. */
export interface SemanticView {
  /** The last user turn (or the completions prompt): embedded and guarded. */
  text: string;
  /** SHA-256 over the model, system prompt, earlier turns, tools and output-shaping parameters. */
  contextDigest: string;
}

/** Fields that never change the answer (as for the exact key), plus the turn being compared. */
const IGNORED = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'messages', 'prompt']);

/** Longest last turn the semantic cache considers; longer prompts are documents, not questions. */
export const MAX_SEMANTIC_CHARS = 2_000;

/**
 * The semantic view of a chat, completions or messages request, or undefined when the request is
 * not one the semantic cache may answer (no plain-text last user turn, multimodal content, a
 * prompt too long to be a question). Pure.
 */
export function semanticView(operation: string, body: Record<string, unknown>): SemanticView | undefined {
  if (operation !== 'chat' && operation !== 'completion' && operation !== 'messages') return undefined;
  let text: string | undefined;
  let context: unknown[] = [];
  if (typeof body.prompt === 'string') text = body.prompt;
  else if (Array.isArray(body.messages) && body.messages.length > 0) {
    const last = body.messages[body.messages.length - 1] as { role?: unknown; content?: unknown };
    if (last?.role !== 'user') return undefined;
    text = plainText(last.content);
    context = body.messages.slice(0, -1);
  }
  if (text === undefined) return undefined;
  text = text.trim();
  if (text.length === 0 || text.length > MAX_SEMANTIC_CHARS) return undefined;
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!IGNORED.has(key) && value !== undefined) rest[key] = value;
  const contextDigest = createHash('sha256').update(canonicalJson({ rest, context })).digest('hex');
  return { text, contextDigest };
}

/** A string, or an array of only text parts; anything with images, audio or files is not comparable. */
function plainText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const part of content as Array<{ type?: unknown; text?: unknown }>) {
    if (part?.type !== 'text' || typeof part.text !== 'string') return undefined;
    parts.push(part.text);
  }
  return parts.join('\n');
}
