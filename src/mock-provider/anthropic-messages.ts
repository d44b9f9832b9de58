import { anthropicStopReason, planAnswer, type Answer } from './answer.ts';
import { writeAnthropicStream } from './anthropic-stream.ts';
import { countTextCharacters, lastUserText } from './content.ts';
import { unknownModelError, type Endpoint, type EndpointContext, type EndpointSettings } from './endpoint.ts';
import type { MockError } from './errors.ts';
import { sendJson } from './http.ts';
import { asArray, asNumber, asRecord, asString, tokensOf, type JsonObject } from './read.ts';
import { chooseToolCall, readAnthropicToolChoice, readAnthropicTools } from './tools.ts';
import type { MockDirective } from './types.ts';
import { toAnthropicUsage } from './usage.ts';

function endsWithToolResult(messages: readonly unknown[]): boolean {
  const last = asRecord(messages[messages.length - 1]);
  if (last?.role !== 'user') return false;
  return (asArray(last.content) ?? []).some((block) => asRecord(block)?.type === 'tool_result');
}

function inputCharacters(body: JsonObject): number {
  const tools = asArray(body.tools);
  const toolCharacters = tools && tools.length > 0 ? JSON.stringify(tools).length : 0;
  return countTextCharacters(body.messages) + countTextCharacters(body.system) + toolCharacters;
}

/** The answer to a Messages body. */
export function planMessagesAnswer(body: JsonObject, directive: MockDirective): Answer {
  const messages = asArray(body.messages) ?? [];
  const prompt = lastUserText(messages);
  const toolCall = chooseToolCall({
    tools: readAnthropicTools(body),
    choice: readAnthropicToolChoice(body),
    directive: directive.tool,
    prompt,
    answeringToolResult: endsWithToolResult(messages),
  });
  return planAnswer({ prompt, inputCharacters: inputCharacters(body), toolCall, directive, maxTokens: asNumber(body.max_tokens) });
}

/** Validation as Anthropic does it (pydantic-style `field: problem` messages). */
function validateMessages(body: JsonObject, settings: EndpointSettings, requireMaxTokens: boolean): MockError | undefined {
  const model = asString(body.model);
  if (!model) return { status: 400, message: 'model: Field required' };
  if (requireMaxTokens) {
    if (body.max_tokens === undefined) return { status: 400, message: 'max_tokens: Field required' };
    const maxTokens = asNumber(body.max_tokens);
    if (maxTokens === undefined || !Number.isInteger(maxTokens)) return { status: 400, message: 'max_tokens: Input should be a valid integer' };
    if (maxTokens < 1) return { status: 400, message: 'max_tokens: Input should be greater than or equal to 1' };
  }
  if (body.messages === undefined) return { status: 400, message: 'messages: Field required' };
  const messages = asArray(body.messages);
  if (!messages) return { status: 400, message: 'messages: Input should be a valid list' };
  if (messages.length === 0) return { status: 400, message: 'messages: at least one message is required' };
  return unknownModelError('anthropic', model, settings);
}

function renderMessage(context: EndpointContext, answer: Answer): Record<string, unknown> {
  const content = answer.toolCall
    ? [{ type: 'tool_use', id: `toolu_mock${context.nextId()}`, name: answer.toolCall.name, input: answer.toolCall.arguments }]
    : [{ type: 'text', text: answer.text }];
  const message: Record<string, unknown> = {
    id: `msg_mock${context.idSuffix}`,
    type: 'message',
    role: 'assistant',
    model: context.body.model,
    content,
    stop_reason: anthropicStopReason(answer.stop),
    stop_sequence: null,
  };
  if (!context.directive.noUsage) message.usage = toAnthropicUsage(answer.usage);
  return message;
}

/** `POST /v1/messages`: JSON, or Anthropic's SSE events with `stream: true`. */
export const messagesEndpoint: Endpoint = {
  wire: 'anthropic',
  validate: (body, settings) => validateMessages(body, settings, true),
  streams: (body) => body.stream === true,
  handle(context) {
    const answer = planMessagesAnswer(context.body, context.directive);
    if (context.body.stream === true) return writeAnthropicStream(context, answer);
    sendJson(context.response, {
      wire: 'anthropic',
      requestId: context.requestId,
      body: JSON.stringify(renderMessage(context, answer)),
      dropBody: context.directive.dropAfterChunks !== undefined,
    });
    return undefined;
  },
};

/** `POST /v1/messages/count_tokens`: `{input_tokens}` (all input, as the real endpoint counts it). */
export const countTokensEndpoint: Endpoint = {
  wire: 'anthropic',
  validate: (body, settings) => validateMessages(body, settings, false),
  handle({ response, body, directive, requestId }) {
    const inputTokens = directive.usage?.input ?? Math.max(1, tokensOf(inputCharacters(body)));
    sendJson(response, { wire: 'anthropic', requestId, body: JSON.stringify({ input_tokens: inputTokens }) });
  },
};
