/**
 * Exact expected costs for tests, computed independently of the gateway's pricing code: list prices
 * per million tokens as decimal strings, multiplied in BigInt nano-dollars and rounded half up once.
 */
export interface ListPrice {
  input: string;
  output: string;
  cacheRead?: string;
  cacheWrite?: string;
}

/** Published list prices (USD per million tokens) of the models the demo config serves. */
export const LIST_PRICES = {
  'gpt-4o-mini': { input: '0.15', output: '0.6', cacheRead: '0.075' },
  'gpt-4o': { input: '2.5', output: '10', cacheRead: '1.25' },
  'claude-3-5-haiku-latest': { input: '0.8', output: '4', cacheRead: '0.08', cacheWrite: '1' },
} satisfies Record<string, ListPrice>;

/** USD per million tokens as an exact count of pico-dollars per token (1e-12 USD): every list price here has at most 6 decimals. */
function picoPerToken(perMTokUsd: string): bigint {
  const [whole = '0', fraction = ''] = perMTokUsd.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

export interface TokenCounts {
  /** All input tokens, cached ones included. */
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** Expected cost in nano-dollars: (uncached*in + read*cacheRead + write*cacheWrite + out*out) rounded half up from pico-dollars. */
export function expectedNanoUsd(price: ListPrice, tokens: TokenCounts): number {
  const read = BigInt(tokens.cacheRead ?? 0);
  const write = BigInt(tokens.cacheWrite ?? 0);
  const uncached = BigInt(tokens.input) - read - write;
  const pico =
    uncached * picoPerToken(price.input) +
    read * picoPerToken(price.cacheRead ?? price.input) +
    write * picoPerToken(price.cacheWrite ?? price.input) +
    BigInt(tokens.output) * picoPerToken(price.output);
  return Number((pico + 500n) / 1000n);
}
