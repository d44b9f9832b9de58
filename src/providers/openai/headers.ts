import type { ProviderConfig } from '../../config/schema.ts';
import { mergeHeaders } from '../merge-headers.ts';

/** OpenRouter's app attribution headers, sent unless the operator configured their own. */
const OPENROUTER_ATTRIBUTION = { 'http-referer': 'https://github.com/tollgate-gateway/tollgate', 'x-title': 'Tollgate' };

/** Headers for OpenAI-wire upstreams (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp); configured headers win. */
export function openAiHeaders(provider: ProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
  if (provider.kind === 'openrouter') Object.assign(headers, OPENROUTER_ATTRIBUTION);
  return mergeHeaders(headers, provider.headers);
}
