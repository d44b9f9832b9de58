import type { TollgateConfig } from '../config/schema.ts';
import type { Target } from '../domain/request.ts';
import { outputBound, worstCaseNano } from '../pricing/worst-case.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import type { InputRatios } from './input-ratios.ts';
import type { OutputBounds } from './output-bounds.ts';

/** What a request's worst case is priced with: the enforcer's price book, learnt bounds and ratios, and its enforcement settings. */
export interface WorstCaseSources {
  priceBook: PriceBook;
  inputRatios: Pick<InputRatios, 'reserve'>;
  outputBounds: Pick<OutputBounds, 'bound'>;
  /** Its `enforcement.defaultMaxOutputTokens` is read at each use. */
  config: { readonly enforcement: Pick<TollgateConfig['enforcement'], 'defaultMaxOutputTokens'> };
}

/**
 * One request's worst-case cost on a target, at admission and again before a costlier fallback.
 * Input: the estimate times the model's learnt reported/estimated ratio. Output: max_tokens, else the
 * target model's learnt bound, else the configured default; times the completions generated.
 * A class, not a closure per request (one shape, a prototype method; no named function per admission).
 */
export class RequestWorstCase {
  constructor(
    private readonly sources: WorstCaseSources,
    private readonly body: Record<string, unknown>,
    private readonly estimatedInput: number,
    private readonly choices: number,
    private readonly orgId: string | undefined,
  ) {}

  on(target: Target, atMs: number): number {
    const { priceBook, inputRatios, outputBounds, config } = this.sources;
    return worstCaseNano(
      priceBook,
      target,
      inputRatios.reserve(target.upstreamModel, this.estimatedInput, this.orgId),
      outputBound(this.body, outputBounds.bound(target.upstreamModel) ?? config.enforcement.defaultMaxOutputTokens),
      atMs,
      this.choices,
    );
  }
}
