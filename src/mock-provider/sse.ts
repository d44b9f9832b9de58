import type { ServerResponse } from 'node:http';
import { requestIdHeader, waitWhileOpen } from './http.ts';
import type { MockWire } from './errors.ts';
import type { MockDirective } from './types.ts';

/**
 * One SSE frame of a planned stream.
 * - `head` frames come before any content (Anthropic `message_start`, `ping`);
 * - `delta` frames are the content chunks, counted by `dropAfterChunks` / `errorAfterChunks`;
 * - `tail` frames close the stream (finish reason, usage, `[DONE]`).
 * `wait` says which delay precedes the frame.
 */
export interface SseFrame {
  text: string;
  kind: 'head' | 'delta' | 'tail';
  wait: 'none' | 'ttft' | 'chunk';
}

/** Timing and failure injection for one stream. */
export interface StreamPlan {
  wire: MockWire;
  requestId: string;
  frames: readonly SseFrame[];
  ttftMs: number;
  chunkDelayMs: number;
  /** After this many deltas, destroy the socket. */
  dropAfterChunks?: number;
  /** After this many deltas, send `errorFrame` and end the stream. */
  errorAfterChunks?: number;
  errorFrame?: string;
}

/** Timing and failure fields of a stream plan, from the directive. */
export function streamTiming(directive: MockDirective): Pick<StreamPlan, 'ttftMs' | 'chunkDelayMs' | 'dropAfterChunks' | 'errorAfterChunks'> {
  return {
    ttftMs: directive.ttftMs ?? 0,
    chunkDelayMs: directive.chunkDelayMs ?? 0,
    dropAfterChunks: directive.dropAfterChunks,
    errorAfterChunks: directive.errorAfterChunks,
  };
}

/** Formats one SSE event (`event:` line only when named, as Anthropic does). */
export function sseEvent(data: string, event?: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/**
 * Writes a stream. With no delays and no injected failure the whole stream goes out in one write
 * (the benchmark path); otherwise every frame is written as soon as it is due (the socket has
 * no-delay set, so each write is flushed at once).
 */
export async function writeStream(response: ServerResponse, plan: StreamPlan): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    [requestIdHeader(plan.wire)]: plan.requestId,
  });
  const cutAfter = plan.dropAfterChunks ?? plan.errorAfterChunks;
  if (plan.ttftMs <= 0 && plan.chunkDelayMs <= 0 && cutAfter === undefined) {
    let whole = '';
    for (const frame of plan.frames) whole += frame.text;
    response.end(whole);
    return;
  }
  response.flushHeaders();
  let pending = '';
  let deltas = 0;
  for (const frame of plan.frames) {
    // Checked before every non-head frame, so a count at or above the number of chunks still cuts before the tail.
    if (cutAfter !== undefined && frame.kind !== 'head' && deltas >= cutAfter) {
      cut(response, plan, pending);
      return;
    }
    const delay = frame.wait === 'ttft' ? plan.ttftMs : frame.wait === 'chunk' ? plan.chunkDelayMs : 0;
    if (delay > 0) {
      if (pending) response.write(pending);
      pending = '';
      if (!(await waitWhileOpen(delay, response))) return;
    }
    pending += frame.text;
    if (frame.kind === 'delta') deltas++;
  }
  response.end(pending);
}

function cut(response: ServerResponse, plan: StreamPlan, pending: string): void {
  if (plan.dropAfterChunks !== undefined) {
    if (pending) response.write(pending, () => response.destroy());
    else response.destroy();
    return;
  }
  response.end(pending + (plan.errorFrame ?? ''));
}
