import type { Usage } from '../domain/usage.ts';
import { GatewayError } from '../domain/errors.ts';
import { eventJson } from './event-json.ts';
import type { StreamTransformer, SseEvent } from './types.ts';

/**
 * What every stream transformer tracks while frames go by: usage, served model, finish reason,
 * the generated text (for estimating a cut-off stream) and whether a first token was seen (TTFT).
 */
export class StreamState {
  usage: Usage | undefined;
  servedModel: string | undefined;
  finishReason: string | undefined;
  text = '';
  firstToken = false;
  /** How many pieces the text was made of, and the last one (a chunk's one piece gives its shape: `ChunkShape`). */
  pieces = 0;
  lastPiece = '';

  addText(text: unknown): void {
    if (typeof text !== 'string' || text === '') return;
    this.text += text;
    this.firstToken = true;
    this.pieces += 1;
    this.lastPiece = text;
  }
}

/** Builds a StreamTransformer from a state and the functions that differ per wire pair. */
export function streamTransformer(
  state: StreamState,
  push: (event: SseEvent) => string[],
  end?: () => string[],
  usage?: () => Usage | undefined,
): StreamTransformer {
  // Methods, not arrow properties: under tsx (esbuild keepNames) every named closure costs an
  // Object.defineProperty each time it is created, here on every stream.
  return {
    push,
    end: end ?? noFrames,
    usage() {
      return usage ? usage() : state.usage;
    },
    servedModel() {
      return state.servedModel;
    },
    finishReason() {
      return state.finishReason;
    },
    outputText() {
      return state.text;
    },
    hasFirstToken() {
      return state.firstToken;
    },
  };
}

function noFrames(): string[] {
  return [];
}

/** Parses one event's JSON data (once per event: `eventJson`); a stream that is not JSON is a bad upstream, not a crash. */
export function parseEventData(event: SseEvent): Record<string, unknown> {
  try {
    const value = eventJson(event);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new GatewayError('upstream_bad_response', 'the upstream stream carried an event that is not JSON', { retryable: false });
}

/** An error the upstream reported inside the stream (OpenAI `data: {"error":…}`, Anthropic `event: error`). */
export function inBandError(payload: Record<string, unknown>): GatewayError {
  const error = payload.error as { message?: unknown; type?: unknown } | undefined;
  const message = typeof error?.message === 'string' ? error.message : 'the upstream reported an error mid-stream';
  const overloaded = error?.type === 'overloaded_error';
  return new GatewayError(overloaded ? 'upstream_unavailable' : 'upstream_error', `upstream: ${message}`, { retryable: true });
}

export function sseFrame(data: unknown, event?: string): string {
  return event ? `event: ${event}\ndata: ${JSON.stringify(data)}\n\n` : `data: ${JSON.stringify(data)}\n\n`;
}
