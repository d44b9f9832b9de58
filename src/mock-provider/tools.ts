import { asArray, asRecord, asString, type JsonObject } from './read.ts';
import type { MockToolDirective } from './types.ts';

/** A tool the request declares: its name and JSON schema. */
export interface ToolDefinition {
  name: string;
  schema: JsonObject | undefined;
}

/** What the client allows: `none`, `auto`, `any` tool, or one named tool. */
export type ToolChoice = { kind: 'none' | 'auto' | 'any' } | { kind: 'named'; name: string };

/** The call the mock decided to make. */
export interface ChosenToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** OpenAI `tools: [{type:'function', function:{name, parameters}}]`. */
export function readOpenAiTools(body: JsonObject): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const item of asArray(body.tools) ?? []) {
    const fn = asRecord(asRecord(item)?.function);
    const name = asString(fn?.name);
    if (name) tools.push({ name, schema: asRecord(fn?.parameters) });
  }
  return tools;
}

/** OpenAI `tool_choice`: `'none' | 'auto' | 'required' | {type:'function', function:{name}}`. */
export function readOpenAiToolChoice(body: JsonObject): ToolChoice {
  const choice = body.tool_choice;
  if (choice === 'none') return { kind: 'none' };
  if (choice === 'required') return { kind: 'any' };
  const name = asString(asRecord(asRecord(choice)?.function)?.name);
  return name ? { kind: 'named', name } : { kind: 'auto' };
}

/** Anthropic `tools: [{name, input_schema}]`. */
export function readAnthropicTools(body: JsonObject): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  for (const item of asArray(body.tools) ?? []) {
    const tool = asRecord(item);
    const name = asString(tool?.name);
    if (name) tools.push({ name, schema: asRecord(tool?.input_schema) });
  }
  return tools;
}

/** Anthropic `tool_choice: {type: 'auto' | 'any' | 'none' | 'tool', name?}`. */
export function readAnthropicToolChoice(body: JsonObject): ToolChoice {
  const choice = asRecord(body.tool_choice);
  const type = asString(choice?.type);
  if (type === 'none' || type === 'any') return { kind: type };
  const name = asString(choice?.name);
  return type === 'tool' && name ? { kind: 'named', name } : { kind: 'auto' };
}

/** What `chooseToolCall` decides from. */
export interface ToolDecisionInput {
  tools: readonly ToolDefinition[];
  choice: ToolChoice;
  directive: MockToolDirective | undefined;
  /** Text of the last user message. */
  prompt: string;
  /** The conversation ends with a tool result: answer in text, so agent loops terminate. */
  answeringToolResult: boolean;
}

/**
 * Decides whether to answer with a tool call: when a directive or `tool_choice` forces one, or
 * when tools are declared and the last user message names one of them (or says "tool").
 */
export function chooseToolCall(input: ToolDecisionInput): ChosenToolCall | undefined {
  const { tools, choice, directive } = input;
  if (directive === false || choice.kind === 'none') return undefined;
  if (typeof directive === 'string') return callFor(directive, tools, undefined);
  if (typeof directive === 'object') return callFor(directive.name, tools, directive.arguments);
  if (tools.length === 0) return undefined;
  if (choice.kind === 'named') return callFor(choice.name, tools, undefined);
  const prompt = input.prompt.toLowerCase();
  const mentioned = tools.find((tool) => prompt.includes(tool.name.toLowerCase()));
  const first = tools[0] as ToolDefinition;
  if (directive === true || choice.kind === 'any') return callFor((mentioned ?? first).name, tools, undefined);
  if (input.answeringToolResult) return undefined;
  if (mentioned) return callFor(mentioned.name, tools, undefined);
  return /\btools?\b/.test(prompt) ? callFor(first.name, tools, undefined) : undefined;
}

function callFor(name: string, tools: readonly ToolDefinition[], given: Record<string, unknown> | undefined): ChosenToolCall {
  const schema = tools.find((tool) => tool.name === name)?.schema;
  return { name, arguments: given ?? argumentsFromSchema(schema) };
}

/** Deterministic arguments: each required property gets a placeholder of its type (the first enum value when there is one). */
export function argumentsFromSchema(schema: JsonObject | undefined): Record<string, unknown> {
  const properties = asRecord(schema?.properties) ?? {};
  const result: Record<string, unknown> = {};
  for (const name of asArray(schema?.required) ?? []) {
    if (typeof name !== 'string') continue;
    result[name] = placeholderFor(asRecord(properties[name]));
  }
  return result;
}

function placeholderFor(property: JsonObject | undefined): unknown {
  const options = asArray(property?.enum);
  if (options && options.length > 0) return options[0];
  switch (property?.type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return argumentsFromSchema(property);
    default:
      return 'mock';
  }
}
