import type { ProviderConfig } from '../../config/schema.ts';
import { mergeHeaders } from '../merge-headers.ts';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Headers for Anthropic upstreams: the client's `anthropic-version`/`anthropic-beta` when it sent them; configured headers win. */
export function anthropicHeaders(provider: ProviderConfig, clientHeaders: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'anthropic-version': clientHeaders?.['anthropic-version'] || DEFAULT_ANTHROPIC_VERSION,
  };
  const beta = clientHeaders?.['anthropic-beta'];
  if (beta) headers['anthropic-beta'] = beta;
  if (provider.apiKey) headers['x-api-key'] = provider.apiKey;
  return mergeHeaders(headers, provider.headers);
}
