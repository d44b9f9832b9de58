import { openAiFinishReason, planAnswer, type Answer } from './answer.ts';
import { countTextCharacters, splitIntoChunks } from './content.ts';
import { unknownModelError, missingParameter, type Endpoint, type EndpointContext } from './endpoint.ts';
import { renderStreamError } from './errors.ts';
import { sendJson } from './http.ts';
import { wantsStreamUsage } from './openai-stream.ts';
import { asArray, asNumber, asString, type JsonObject } from './read.ts';
import { sseEvent, streamTiming, writeStream, type SseFrame } from './sse.ts';
import { toOpenAiCompletionUsage } from './usage.ts';

/** The prompt text: a string, or the first string of a list (token-id prompts count one character a token). */
function promptText(prompt: unknown): string {
  const text = asString(prompt);
  if (text !== undefined) return text;
  const first = asArray(prompt)?.[0];
  return asString(first) ?? '';
}

function promptCharacters(prompt: unknown): number {
  const list = asArray(prompt);
  // Token-id prompts (`[1, 2, 3]` or `[[1, 2], [3]]`) are already tokens: four characters each.
  if (list && list.length > 0 && typeof list[0] !== 'string') return 4 * list.flat().length;
  return countTextCharacters(prompt);
}

function planCompletion(context: EndpointContext): Answer {
  const { body, directive } = context;
  return planAnswer({
    prompt: promptText(body.prompt),
    inputCharacters: promptCharacters(body.prompt),
    toolCall: undefined,
    directive,
    maxTokens: asNumber(body.max_tokens) ?? 16,
  });
}

function writeCompletionStream(context: EndpointContext, answer: Answer): Promise<void> {
  const { body, directive } = context;
  const withUsage = wantsStreamUsage(body, directive);
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], usage?: unknown): string => {
    const value: Record<string, unknown> = { id: `cmpl-mock${context.idSuffix}`, object: 'text_completion', created, choices, model: body.model };
    if (withUsage) value.usage = usage ?? null;
    return sseEvent(JSON.stringify(value));
  };
  const frames: SseFrame[] = splitIntoChunks(answer.text, directive.chunks).map((piece, index) => ({
    text: chunk([{ text: piece, index: 0, logprobs: null, finish_reason: null }]),
    kind: 'delta',
    wait: index === 0 ? 'ttft' : 'chunk',
  }));
  frames.push({ text: chunk([{ text: '', index: 0, logprobs: null, finish_reason: openAiFinishReason(answer.stop) }]), kind: 'tail', wait: 'chunk' });
  if (withUsage) frames.push({ text: chunk([], toOpenAiCompletionUsage(answer.usage)), kind: 'tail', wait: 'none' });
  frames.push({ text: 'data: [DONE]\n\n', kind: 'tail', wait: 'none' });
  return writeStream(context.response, {
    wire: 'openai',
    requestId: context.requestId,
    frames,
    ...streamTiming(directive),
    errorFrame: renderStreamError('openai', context.requestId),
  });
}

/**
 * `POST /v1/completions` (legacy text completions). Like OpenAI, `max_tokens` defaults to 16,
 * so long default answers stop for `length`.
 */
export const completionsEndpoint: Endpoint = {
  wire: 'openai',
  validate(body: JsonObject, settings) {
    const model = asString(body.model);
    if (!model) return { status: 400, message: 'you must provide a model parameter' };
    if (body.prompt === undefined) return missingParameter('prompt');
    return unknownModelError('openai', model, settings);
  },
  streams: (body) => body.stream === true,
  handle(context) {
    const answer = planCompletion(context);
    if (context.body.stream === true) return writeCompletionStream(context, answer);
    const completion: Record<string, unknown> = {
      id: `cmpl-mock${context.idSuffix}`,
      object: 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: context.body.model,
      choices: [{ text: answer.text, index: 0, logprobs: null, finish_reason: openAiFinishReason(answer.stop) }],
    };
    if (!context.directive.noUsage) completion.usage = toOpenAiCompletionUsage(answer.usage);
    sendJson(context.response, {
      wire: 'openai',
      requestId: context.requestId,
      body: JSON.stringify(completion),
      dropBody: context.directive.dropAfterChunks !== undefined,
    });
    return undefined;
  },
};
