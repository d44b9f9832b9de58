import type { ServerResponse } from 'node:http';
import type { MockError, MockWire } from './errors.ts';
import type { JsonObject } from './read.ts';
import type { MockDirective } from './types.ts';

/** Settings every endpoint may read. */
export interface EndpointSettings {
  models: readonly string[];
  strict: boolean;
}

/** One request, after routing, auth and directive resolution. */
export interface EndpointContext {
  response: ServerResponse;
  body: JsonObject;
  directive: MockDirective;
  requestId: string;
  /** The unique suffix of this request's ids (`chatcmpl-mock<suffix>`, `msg_mock<suffix>`). */
  idSuffix: string;
  /** A fresh id suffix (for tool call ids). */
  nextId(): string;
  settings: EndpointSettings;
  /** Path parameter (the model id of `GET /v1/models/{id}`). */
  pathParameter?: string;
}

/** A route's behaviour. */
export interface Endpoint {
  wire: MockWire;
  /** Validation like the real API's (after injected failures, before answering). */
  validate?(body: JsonObject, settings: EndpointSettings): MockError | undefined;
  /** True when the request asks for a stream. */
  streams?(body: JsonObject): boolean;
  handle(context: EndpointContext): void | Promise<void>;
}

/** A 404 for a model outside the configured list, in strict mode. */
export function unknownModelError(wire: MockWire, model: string, settings: EndpointSettings): MockError | undefined {
  if (!settings.strict || settings.models.includes(model)) return undefined;
  return wire === 'anthropic'
    ? { status: 404, message: `model: ${model}` }
    : { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, code: 'model_not_found' };
}

/** An OpenAI-style "missing required parameter" error. */
export function missingParameter(name: string): MockError {
  return { status: 400, message: `Missing required parameter: '${name}'.`, param: name, code: 'missing_required_parameter' };
}
