import type { ProviderConfig } from '../../config/schema.ts';

/** Headers for OpenAI-wire upstreams (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp). */
export function openAiHeaders(provider: ProviderConfig): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
  if (provider.kind === 'openrouter') {
    headers['http-referer'] = 'https://github.com/tollgate-gateway/tollgate';
    headers['x-title'] = 'Tollgate';
  }
  return { ...headers, ...provider.headers };
}
