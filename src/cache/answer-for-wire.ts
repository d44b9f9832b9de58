import type { NeutralAnswer } from '../domain/neutral-answer.ts';
import type { WireFormat } from '../domain/request.ts';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import type { CachedAnswer } from './exact-store.ts';
import { renderAnswerFrames, renderAnswerJson } from './render-answer.ts';
import { replayAsStream } from './replay.ts';

/** A cached answer ready to be sent to one client: as a JSON body, or as SSE frames. */
export interface ServableAnswer {
  json(): string;
  frames(includeUsage: boolean): string[];
}

/**
 * A cached answer as the client's wire needs it: a neutral answer is parsed once and rendered to
 * either wire; a wire-only answer serves its own wire and is a miss for the other (undefined).
 */
export function answerForWire(answer: CachedAnswer, wire: WireFormat): ServableAnswer | undefined {
  if (answer.wire === 'neutral') {
    const parsed = safeParseJson(answer.body);
    const neutral = parsed.ok ? (parsed.value as NeutralAnswer | null) : undefined;
    if (!neutral || typeof neutral !== 'object' || !Array.isArray(neutral.content) || typeof neutral.usage !== 'object' || neutral.usage === null) return undefined;
    return {
      json: () => renderAnswerJson(neutral, wire, answer.createdAtMs),
      frames: (includeUsage) => renderAnswerFrames(neutral, wire, answer.createdAtMs, includeUsage),
    };
  }
  if (answer.wire !== wire) return undefined;
  return { json: () => answer.body, frames: (includeUsage) => replayAsStream(answer.body, wire, includeUsage) };
}
