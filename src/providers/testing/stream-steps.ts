import { expect } from 'vitest';
import { GatewayError } from '../../domain/errors.ts';
import { eventJson } from '../event-json.ts';
import type { StreamState } from '../stream-state.ts';
import type { SseEvent, StreamTransformer } from '../types.ts';

/**
 * Test support for stream readers that skip parsing (`ChunkShape`): a stream's events pushed one by
 * one, with what each did and what the reader knew after it, so a reader can be compared step by
 * step with the reference that parses every event.
 */

/** What one event did: the frames, or the error it threw; then the readings after it. */
export interface Step {
  frames: string[] | string;
  text: string;
  model: string | undefined;
  finish: string | undefined;
  usage: unknown;
  firstToken: boolean;
}

type Readings = Omit<Step, 'frames'>;

/** Pushes each event in turn, recording its frames (or error: the relay stops at the first) and the readings after it. */
export function runSteps(events: SseEvent[], push: (sse: SseEvent) => string[], read: () => Readings): Step[] {
  const steps: Step[] = [];
  for (const sse of events) {
    let frames: string[] | string;
    try {
      frames = push(sse);
    } catch (error) {
      frames = error instanceof GatewayError ? `${error.code}: ${error.message}` : `crash: ${String(error)}`;
    }
    steps.push({ frames, ...read() });
    if (typeof frames === 'string') break;
  }
  return steps;
}

/** The readings of a reference reader's state. */
export function stateReadings(state: StreamState): () => Readings {
  return () => ({ text: state.text, model: state.servedModel, finish: state.finishReason, usage: state.usage, firstToken: state.firstToken });
}

/**
 * The steps of a transformer; then every event that parses gets, from `eventJson`, the JSON a parse
 * gives (what a later reader such as the cache's fold sees, whether the event was read by its shape or not).
 */
export function transformerSteps(transformer: StreamTransformer, events: SseEvent[]): Step[] {
  const pushed: SseEvent[] = [];
  const steps = runSteps(events, (sse) => (pushed.push(sse), transformer.push(sse)), () => ({ text: transformer.outputText(), model: transformer.servedModel(), finish: transformer.finishReason(), usage: transformer.usage(), firstToken: transformer.hasFirstToken() }));
  const parseable = pushed.filter((sse) => {
    try {
      JSON.parse(sse.data);
      return true;
    } catch {
      return false;
    }
  });
  const read = parseable.map((sse) => eventJson(sse));
  expect(read).toEqual(parseable.map((sse) => JSON.parse(sse.data)));
  return steps;
}
