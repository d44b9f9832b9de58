import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { safeParseJson } from '../domain/safe-parse-json.ts';
import { handleControl } from './control.ts';
import type { EndpointSettings } from './endpoint.ts';
import { sendFailure, sendMockError, type MockError, type MockWire } from './errors.ts';
import { readBody, sendGarbage, waitWhileOpen } from './http.ts';
import { asRecord, type JsonObject } from './read.ts';
import { guessWire, type Router } from './routes.ts';
import { directiveFromHeaders, isEmptyDirective, mergeDirectives, parseDirective } from './scenario.ts';
import type { MockState } from './state.ts';
import type { MockDirective } from './types.ts';

/** What the request handler needs from the running mock. */
export interface HandlerDeps {
  state: MockState;
  router: Router;
  settings: EndpointSettings;
  apiKey: string | undefined;
}

type DirectiveOutcome = { ok: true; directive: MockDirective } | { ok: false; error: string };

/** Defaults, then `x-mock-*` headers, then the body's `mock` object. */
function resolveDirective(defaults: MockDirective, headers: IncomingHttpHeaders, body: JsonObject): DirectiveOutcome {
  let directive = defaults;
  const fromHeaders = directiveFromHeaders(headers);
  if (fromHeaders) {
    if (!fromHeaders.ok) return fromHeaders;
    directive = mergeDirectives(directive, fromHeaders.directive);
  }
  if (body.mock !== undefined) {
    const fromBody = parseDirective(body.mock);
    if (!fromBody.ok) return fromBody;
    directive = mergeDirectives(directive, fromBody.directive);
  }
  return { ok: true, directive };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** 401 unless the configured key is sent (`Authorization: Bearer`, or `x-api-key` for Anthropic). */
function checkApiKey(wire: MockWire, headers: IncomingHttpHeaders, apiKey: string): MockError | undefined {
  const bearer = firstHeader(headers.authorization);
  const sent = (wire === 'anthropic' ? firstHeader(headers['x-api-key']) : undefined) ?? (bearer?.startsWith('Bearer ') ? bearer.slice(7) : undefined);
  if (sent === apiKey) return undefined;
  if (wire === 'anthropic') return { status: 401, message: sent === undefined ? 'x-api-key header is required' : 'invalid x-api-key' };
  return sent === undefined
    ? { status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.", code: null }
    : { status: 401, message: `Incorrect API key provided: ${sent.slice(0, 3)}***.` };
}

/** `echoHeaders`: the request's headers, credentials included, in the answer, the error messages and a response header. */
function echoing(directive: MockDirective, headers: IncomingHttpHeaders, response: ServerResponse): MockDirective {
  const echo = `echo ${JSON.stringify(headers)}`;
  response.setHeader('x-mock-echo', echo);
  return {
    ...directive,
    text: echo,
    streamErrorMessage: echo,
    ...(directive.fail && { fail: { ...directive.fail, message: `${directive.fail.message ?? 'failed'} ${echo}` } }),
  };
}

/** Handles one request: control endpoints, recording, routing, auth, directive, injected behaviour, then the endpoint. */
export async function handleRequest(request: IncomingMessage, response: ServerResponse, deps: HandlerDeps): Promise<void> {
  const { state } = deps;
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (path.startsWith('/_mock/')) return handleControl(request, response, path, state);

  const method = request.method ?? 'GET';
  const text = method === 'GET' || method === 'HEAD' ? '' : await readBody(request);
  const parsed = text ? safeParseJson(text) : undefined;
  state.record({ method, path, headers: request.headers, body: parsed ? (parsed.ok ? parsed.value : text) : undefined, receivedAtMs: Date.now() });

  const idSuffix = state.nextId();
  const requestId = `req_mock${idSuffix}`;
  const route = deps.router.match(method, path, request.headers);
  if (!route) {
    const wire = guessWire(path, request.headers);
    return sendMockError(response, wire, { status: 404, message: `Invalid URL (${method} ${path})`, code: null }, requestId);
  }
  const { wire } = route.endpoint;
  if (deps.apiKey !== undefined) {
    const error = checkApiKey(wire, request.headers, deps.apiKey);
    if (error) return sendMockError(response, wire, error, requestId);
  }
  if (deps.settings.strict && wire === 'anthropic' && request.headers['anthropic-version'] === undefined) {
    return sendMockError(response, wire, { status: 400, message: 'anthropic-version: header is required' }, requestId);
  }
  if (parsed && !parsed.ok) {
    return sendMockError(response, wire, { status: 400, message: `We could not parse the JSON body of your request: ${parsed.error}` }, requestId);
  }
  const body = parsed ? asRecord(parsed.value) : {};
  if (!body) return sendMockError(response, wire, { status: 400, message: 'The request body must be a JSON object.' }, requestId);

  const outcome = resolveDirective(state.defaults, request.headers, body);
  if (!outcome.ok) return sendMockError(response, wire, { status: 400, message: outcome.error, type: 'invalid_request_error', code: 'invalid_mock_directive' }, requestId);
  const directive = outcome.directive.echoHeaders ? echoing(outcome.directive, request.headers, response) : outcome.directive;
  if (!isEmptyDirective(directive)) {
    const delay = (directive.hangMs ?? 0) + (directive.latencyMs ?? 0);
    if (delay > 0 && !(await waitWhileOpen(delay, response))) return undefined;
    if (directive.fail && state.shouldFail(directive.fail, directive.key)) return sendFailure(response, wire, directive.fail, requestId);
  }
  const invalid = route.endpoint.validate?.(body, deps.settings);
  if (invalid) return sendMockError(response, wire, invalid, requestId);
  if (directive.garbage) return sendGarbage(response, route.endpoint.streams?.(body) ?? false);
  return route.endpoint.handle({
    response,
    body,
    directive,
    requestId,
    idSuffix,
    nextId: () => state.nextId(),
    settings: deps.settings,
    pathParameter: route.pathParameter,
  });
}
