import { openAiFinishReason, planAnswer, type Answer } from './answer.ts';
import { countTextCharacters, lastUserText } from './content.ts';
import { missingParameter, unknownModelError, type Endpoint, type EndpointContext } from './endpoint.ts';
import { sendJson } from './http.ts';
import { writeOpenAiChatStream } from './openai-stream.ts';
import { asArray, asNumber, asRecord, asString, type JsonObject } from './read.ts';
import { chooseToolCall, readOpenAiToolChoice, readOpenAiTools } from './tools.ts';
import type { MockDirective } from './types.ts';
import { toOpenAiChatUsage } from './usage.ts';

/** The answer to a chat completions body. */
export function planChatAnswer(body: JsonObject, directive: MockDirective): Answer {
  const messages = asArray(body.messages) ?? [];
  const tools = readOpenAiTools(body);
  const prompt = lastUserText(messages);
  const lastRole = asRecord(messages[messages.length - 1])?.role;
  const toolCall = chooseToolCall({
    tools,
    choice: readOpenAiToolChoice(body),
    directive: directive.tool,
    prompt,
    answeringToolResult: lastRole === 'tool' || lastRole === 'function',
  });
  const toolCharacters = tools.length > 0 ? JSON.stringify(body.tools).length : 0;
  return planAnswer({
    prompt,
    inputCharacters: countTextCharacters(messages) + toolCharacters,
    toolCall,
    directive,
    maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
  });
}

function validateChat(body: JsonObject, settings: EndpointContext['settings']): ReturnType<NonNullable<Endpoint['validate']>> {
  const model = asString(body.model);
  if (!model) return { status: 400, message: 'you must provide a model parameter' };
  const messages = body.messages;
  if (messages === undefined) return missingParameter('messages');
  const list = asArray(messages);
  if (!list) return { status: 400, message: "Invalid type for 'messages': expected an array.", param: 'messages', code: 'invalid_type' };
  if (list.length === 0) {
    return { status: 400, message: "Invalid 'messages': empty array. Expected an array with minimum length 1.", param: 'messages', code: 'empty_array' };
  }
  return unknownModelError('openai', model, settings);
}

function renderChatCompletion(context: EndpointContext, answer: Answer): Record<string, unknown> {
  const { body, directive, idSuffix } = context;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: answer.toolCall ? null : answer.text,
    refusal: null,
    annotations: [],
  };
  if (answer.toolCall) {
    message.tool_calls = [
      { id: `call_mock${context.nextId()}`, type: 'function', function: { name: answer.toolCall.name, arguments: answer.toolCall.argumentsJson } },
    ];
  }
  const completion: Record<string, unknown> = {
    id: `chatcmpl-mock${idSuffix}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: openAiFinishReason(answer.stop) }],
  };
  if (!directive.noUsage) completion.usage = toOpenAiChatUsage(answer.usage);
  completion.service_tier = 'default';
  completion.system_fingerprint = 'fp_mock';
  return completion;
}

/** `POST /v1/chat/completions`: JSON, or SSE with `stream: true`. */
export const chatCompletionsEndpoint: Endpoint = {
  wire: 'openai',
  validate: validateChat,
  streams: (body) => body.stream === true,
  handle(context) {
    const answer = planChatAnswer(context.body, context.directive);
    if (context.body.stream === true) return writeOpenAiChatStream(context, answer);
    sendJson(context.response, {
      wire: 'openai',
      requestId: context.requestId,
      body: JSON.stringify(renderChatCompletion(context, answer)),
      dropBody: context.directive.dropAfterChunks !== undefined,
    });
    return undefined;
  },
};
