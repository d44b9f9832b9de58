import type { ProviderConfig } from '../../config/schema.ts';
import { mergeHeaders } from '../merge-headers.ts';

/** OpenRouter's app attribution headers, sent unless the operator configured their own. */
const OPENROUTER_ATTRIBUTION = { 'http-referer': 'https://github.com/tollgate-gateway/tollgate', 'x-title': 'Tollgate' };

/** Each provider's headers, built once per provider config (they depend on nothing else): frozen, as every request shares them. */
const built = new WeakMap<ProviderConfig, Readonly<Record<string, string>>>();

/** Headers for OpenAI-wire upstreams (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp); configured headers win. Shared and frozen: copy before changing. */
export function openAiHeaders(provider: ProviderConfig): Readonly<Record<string, string>> {
  let headers = built.get(provider);
  if (headers === undefined) built.set(provider, (headers = Object.freeze(buildOpenAiHeaders(provider))));
  return headers;
}

function buildOpenAiHeaders(provider: ProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
  if (provider.kind === 'openrouter') Object.assign(headers, OPENROUTER_ATTRIBUTION);
  return mergeHeaders(headers, provider.headers);
}
