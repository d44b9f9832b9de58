import type { Context, Hono } from 'hono';
import { GatewayError } from '../../domain/errors.ts';
import { estimateInputTokens } from '../../domain/estimate.ts';
import { modelAllowed, targetNames } from '../../keys/model-allowlist.ts';
import { resolveTargets } from '../../routing/resolve-target.ts';
import type { PipelineDeps } from '../../pipeline/types.ts';
import { toUpstreamError } from '../../pipeline/upstream-client.ts';
import { anthropicHeaders } from '../../providers/anthropic/headers.ts';
import { getAdapter } from '../../providers/registry.ts';
import type { GatewayEnv } from '../context.ts';
import { readJsonBody, type BodyLimits } from '../read-json-body.ts';

/**
 * `POST /v1/messages/count_tokens` (Anthropic wire, virtual-key auth), what the SDK's
 * `messages.countTokens` calls: forwarded to the Anthropic upstream the model resolves to, else
 * counted locally with the gateway's tokenizer (o200k, an estimate: marked so in a header). Counting
 * is free, so it writes no ledger row and reserves no budget.
 */
export function registerCountTokensRoute(app: Hono<GatewayEnv>, deps: PipelineDeps, bodyLimits: BodyLimits): void {
  app.post('/v1/messages/count_tokens', async (c) => {
    const body = validCountBody(await readJsonBody(c.req.raw, bodyLimits));
    const target = resolveTargets(deps.config, body.model).chain[0];
    if (!target) throw new GatewayError('model_not_found', `The model '${body.model}' does not exist or is not served by this gateway`, { param: 'model' });
    // A key limited to some models counts only with those (the count goes to the operator's Anthropic account).
    if (!modelAllowed(c.get('principal')?.limits?.allowedModels, targetNames(target, deps.config.models))) {
      throw new GatewayError('forbidden', `This API key may not use the model '${body.model}'`, { param: 'model' });
    }
    // (The request id is stamped by the request-id middleware.)
    const headers = { 'x-tollgate-model': target.upstreamModel };
    if (target.provider.kind !== 'anthropic') {
      return c.json({ input_tokens: estimateInputTokens(body) }, 200, { ...headers, 'x-tollgate-usage-estimated': 'true' });
    }
    return forward(c, deps, body, target, headers);
  });
}

async function forward(
  c: Context<GatewayEnv>,
  deps: PipelineDeps,
  body: Record<string, unknown>,
  target: NonNullable<ReturnType<typeof resolveTargets>['chain'][number]>,
  headers: Record<string, string>,
): Promise<Response> {
  const clientHeaders: Record<string, string> = {};
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const value = c.req.header(name);
    if (value) clientHeaders[name] = value;
  }
  const withProvider = { ...headers, 'x-tollgate-provider': target.providerId };
  let text: string;
  let status: number;
  try {
    const response = await deps.upstream.send(
      target.provider,
      { method: 'POST', path: '/v1/messages/count_tokens', headers: anthropicHeaders(target.provider, clientHeaders), body: JSON.stringify({ ...body, model: target.upstreamModel }) },
      c.req.raw.signal,
    );
    status = response.status;
    text = await response.text();
    if (status >= 400) throw getAdapter('anthropic').parseError(status, text, response.headers);
  } catch (error) {
    const gatewayError = error instanceof GatewayError ? error : toUpstreamError(error, false, c.req.raw.signal.aborted);
    throw withHeaders(gatewayError, withProvider);
  }
  const parsed = safeCount(text);
  if (parsed === undefined) throw withHeaders(new GatewayError('upstream_bad_response', 'the upstream count_tokens answer has no input_tokens'), withProvider);
  return c.json({ input_tokens: parsed }, 200, withProvider);
}

/** The fields counting relies on; the rest (system, tools, thinking…) passes through. */
function validCountBody(body: unknown): Record<string, unknown> & { model: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  const record = body as Record<string, unknown>;
  if (typeof record.model !== 'string' || record.model.trim() === '') throw new GatewayError('invalid_request', 'model: Field required (a non-empty string)', { param: 'model' });
  if (!Array.isArray(record.messages) || record.messages.length === 0) throw new GatewayError('invalid_request', 'messages: Field required (a non-empty array)', { param: 'messages' });
  for (const [index, message] of record.messages.entries()) {
    if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
      throw new GatewayError('invalid_request', `messages.${index}.role: Field required`, { param: `messages.${index}.role` });
    }
  }
  return record as Record<string, unknown> & { model: string };
}

function safeCount(text: string): number | undefined {
  try {
    const value = (JSON.parse(text) as { input_tokens?: unknown }).input_tokens;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The error with the provider and model on it (every error answer where a provider was involved says which). */
function withHeaders(error: GatewayError, headers: Record<string, string>): GatewayError {
  Object.assign(error.headers, headers);
  return error;
}
