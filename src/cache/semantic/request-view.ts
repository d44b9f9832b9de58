import type { Operation, WireFormat } from '../../domain/request.ts';
import { canonicalJson, fieldsExcept, neutralMaterial, sha256Hex, type NeutralMaterial } from '../canonical-key.ts';

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
  const contextDigest = sha256Hex(canonicalJson({ rest: fieldsExcept(body, IGNORED), context }));
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

/**
 * The semantic view of a client request, from its neutral view when it has one (so a paraphrase
 * asked on either wire finds an answer cached from the other; the digest marks it as neutral), else
 * from the wire's body (legacy completions). Pure.
 */
export function clientSemanticView(wire: WireFormat, operation: Operation, body: Record<string, unknown>): SemanticView | undefined {
  return semanticViewOf(wire, operation, body, neutralMaterial(wire, operation, body));
}

/** `clientSemanticView` from the neutral material the exact key was computed from (read once per request). */
export function semanticViewOf(wire: WireFormat, operation: Operation, body: Record<string, unknown>, material: NeutralMaterial | undefined): SemanticView | undefined {
  if (!material) {
    const own = semanticView(operation, body);
    return own && { text: own.text, contextDigest: `${wire}|${operation}|${own.contextDigest}` };
  }
  const turns = material.view.turns as Array<{ role: string; content: Array<{ type: string; text?: unknown }>; rest?: unknown }>;
  const last = turns.at(-1);
  if (!last || last.role !== 'user' || last.rest !== undefined || last.content.length === 0) return undefined;
  const texts: string[] = [];
  for (const block of last.content) {
    if (block.type !== 'text' || typeof block.text !== 'string') return undefined;
    texts.push(block.text);
  }
  const text = texts.join('\n').trim();
  if (text.length === 0 || text.length > MAX_SEMANTIC_CHARS) return undefined;
  return { text, contextDigest: contextDigestOf(material.withoutLastTurn()) };
}

/** Contexts whose digest is remembered (cleared when full), and the longest one remembered. */
const DIGEST_MEMO_SIZE = 256;
const DIGEST_MEMO_CHARS = 4_096;
const digests = new Map<string, string>();

/**
 * SHA-256 of a neutral context (`neutral\0` + its canonical form without the last turn). Most
 * requests share theirs with earlier ones (one system prompt, one model and parameters, a first
 * turn), so recent ones are remembered: the same text gives the same digest, without hashing again.
 */
function contextDigestOf(context: string): string {
  if (context.length > DIGEST_MEMO_CHARS) return sha256Hex(`neutral\u0000${context}`);
  let digest = digests.get(context);
  if (digest === undefined) {
    if (digests.size >= DIGEST_MEMO_SIZE) digests.clear();
    digests.set(context, (digest = sha256Hex(`neutral\u0000${context}`)));
  }
  return digest;
}
