import type { ProviderConfig } from '../../config/schema.ts';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Headers for Anthropic upstreams: the client's `anthropic-version`/`anthropic-beta` when it sent them. */
export function anthropicHeaders(provider: ProviderConfig, clientHeaders: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': clientHeaders?.['anthropic-version'] ?? DEFAULT_ANTHROPIC_VERSION,
  };
  if (clientHeaders?.['anthropic-beta']) headers['anthropic-beta'] = clientHeaders['anthropic-beta'];
  if (provider.apiKey) headers['x-api-key'] = provider.apiKey;
  return { ...headers, ...provider.headers };
}
