import type { Catalogue, CatalogueModel, CatalogueProvider } from './catalogue.ts';
import { canonicalModelId, compileMatch, expandCompactDate, type ModelPredicate } from './model-match.ts';

/** A model found in the catalogue. */
export interface ModelHit {
  /** The provider that was asked (its id goes into the source label). */
  provider: CatalogueProvider;
  /** The provider whose list held the model: `provider` itself or one of its fallback providers. */
  listedBy: CatalogueProvider;
  model: CatalogueModel;
}

/** Lookups over a catalogue with genai-prices' semantics, match clauses compiled once. */
export interface CatalogueIndex {
  readonly providers: Catalogue;
  /** Provider by id (case-insensitive) or by its `provider_match`. */
  findProvider(providerId: string): CatalogueProvider | undefined;
  /**
   * The model as genai-prices' `calcPrice(usage, model, {providerId})` finds it: in the provider's
   * own list, then in its `fallback_model_providers` (one level), then both again with a compact
   * date suffix expanded. Undefined when the provider is unknown or does not list the model.
   */
  findModel(providerId: string, model: string): ModelHit | undefined;
  /**
   * The model as genai-prices finds it with no provider: the FIRST provider whose `model_match`
   * matches the name, then the same model search as `findModel` in that provider only.
   */
  findModelWithoutProvider(model: string): ModelHit | undefined;
}

interface IndexedProvider {
  provider: CatalogueProvider;
  models: readonly { model: CatalogueModel; matches: ModelPredicate }[];
  modelMatch: ModelPredicate | undefined;
  providerMatch: ModelPredicate | undefined;
}

/** Builds the index. Compiles every match clause up front so a lookup allocates nothing. */
export function createCatalogueIndex(catalogue: Catalogue): CatalogueIndex {
  const indexed: IndexedProvider[] = catalogue.map((provider) => ({
    provider,
    models: provider.models.map((model) => ({ model, matches: compileMatch(model.match) })),
    modelMatch: provider.model_match ? compileMatch(provider.model_match) : undefined,
    providerMatch: provider.provider_match ? compileMatch(provider.provider_match) : undefined,
  }));
  const byId = new Map<string, IndexedProvider>();
  for (const entry of indexed) if (!byId.has(entry.provider.id)) byId.set(entry.provider.id, entry);

  function findIndexedProvider(providerId: string): IndexedProvider | undefined {
    const id = providerId.toLowerCase().trim();
    return byId.get(id) ?? indexed.find((entry) => entry.providerMatch?.(id));
  }

  function searchModels(entry: IndexedProvider, modelId: string, withFallbacks: boolean): ModelHit | undefined {
    const own = entry.models.find((candidate) => candidate.matches(modelId));
    if (own) return { provider: entry.provider, listedBy: entry.provider, model: own.model };
    if (!withFallbacks) return undefined;
    for (const fallbackId of entry.provider.fallback_model_providers ?? []) {
      const fallback = byId.get(fallbackId);
      // genai-prices follows fallbacks one level only (a fallback's own fallbacks are not searched).
      const hit = fallback ? searchModels(fallback, modelId, false) : undefined;
      if (hit) return { provider: entry.provider, listedBy: hit.listedBy, model: hit.model };
    }
    return undefined;
  }

  function findInProvider(entry: IndexedProvider, model: string): ModelHit | undefined {
    const modelId = canonicalModelId(model);
    const hit = searchModels(entry, modelId, true);
    if (hit) return hit;
    const expanded = expandCompactDate(modelId);
    return expanded === modelId ? undefined : searchModels(entry, expanded, true);
  }

  return {
    providers: catalogue,
    findProvider: (providerId) => findIndexedProvider(providerId)?.provider,
    findModel(providerId, model) {
      const entry = findIndexedProvider(providerId);
      return entry ? findInProvider(entry, model) : undefined;
    },
    findModelWithoutProvider(model) {
      const modelId = canonicalModelId(model);
      const entry = indexed.find((candidate) => candidate.modelMatch?.(modelId));
      return entry ? findInProvider(entry, model) : undefined;
    },
  };
}
