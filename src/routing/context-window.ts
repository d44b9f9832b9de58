import type { ProviderConfig, TollgateConfig } from '../config/schema.ts';
import type { PriceBook } from '../pricing/price-book.ts';

/** The parts of a target this module reads (a `model@provider` from the config). */
export interface WindowTarget {
  providerId: string;
  provider: Pick<ProviderConfig, 'kind' | 'priceProvider' | 'node'>;
  upstreamModel: string;
}

/**
 * A target's context window, when anyone knows it: the `contextWindow` of the alias the client
 * named (when that alias's first target is this one), else of any configured model whose first
 * target is this one, else the price catalogue's. Undefined means unknown (nothing is refused).
 */
export function knownContextWindow(config: TollgateConfig, priceBook: PriceBook, target: WindowTarget, requestedModel: string, nowMs: number): number | undefined {
  const key = `${target.upstreamModel}@${target.providerId}`;
  const own = config.models[requestedModel];
  if (own?.target === key && own.contextWindow !== undefined) return own.contextWindow;
  const configured = configuredWindows(config.models).get(key);
  if (configured !== undefined) return configured;
  const kind = target.provider.kind;
  const priceProviderId = target.provider.priceProvider ?? (kind === 'openai-compatible' ? undefined : kind);
  return priceBook.rates({ model: target.upstreamModel, providerId: target.providerId, priceProviderId, nodeId: target.provider.node, timeMs: nowMs })?.contextWindow;
}

/**
 * Per models map (a config's, never edited once loaded): each target's window from the first
 * model in the map whose target it is and that sets one; read once per config instead of on
 * every request (this runs for every chat request and target).
 */
const windowsByModels = new WeakMap<TollgateConfig['models'], Map<string, number>>();
function configuredWindows(models: TollgateConfig['models']): Map<string, number> {
  let windows = windowsByModels.get(models);
  if (!windows) {
    windows = new Map();
    for (const model of Object.values(models)) if (model.contextWindow !== undefined && !windows.has(model.target)) windows.set(model.target, model.contextWindow);
    windowsByModels.set(models, windows);
  }
  return windows;
}

/** The error a prompt too long for every target gets, worded like OpenAI's (`context_length_exceeded`) and Anthropic's. */
export function contextLengthMessage(windowTokens: number, inputTokens: number, wire: 'openai' | 'anthropic'): string {
  if (wire === 'anthropic') return `prompt is too long: about ${inputTokens} tokens (estimated) > ${windowTokens} maximum`;
  return `This model's maximum context length is ${windowTokens} tokens. However, your messages resulted in about ${inputTokens} tokens (estimated). Please reduce the length of the messages.`;
}
