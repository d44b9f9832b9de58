import { findProvider } from '@pydantic/genai-prices';
import { parseCatalogue, type CatalogueProvider } from './catalogue.ts';

/**
 * Every provider id in the data bundled with @pydantic/genai-prices 0.1.8 (pinned), in the
 * package's order (which matters: a provider-less lookup takes the first `model_match`). The
 * package does not export its array, so the catalogue is rebuilt with `findProvider`, which only
 * reads the bundled data. `updatePrices`, the one function that fetches, is never imported.
 * A test checks that each id resolves; when the package is upgraded, refresh this list from
 * `grep '^    id: "' node_modules/@pydantic/genai-prices/dist/index.js`.
 */
export const BUNDLED_PROVIDER_IDS = [
  'anthropic',
  'arcee',
  'avian',
  'aws',
  'azure',
  'baseten',
  'cerebras',
  'cloudflare',
  'cohere',
  'cursor',
  'deepseek',
  'doubleword',
  'fireworks',
  'github-copilot',
  'google',
  'groq',
  'huggingface_cerebras',
  'huggingface_fireworks-ai',
  'huggingface_groq',
  'huggingface_hyperbolic',
  'huggingface_nebius',
  'huggingface_novita',
  'huggingface_nscale',
  'huggingface_ovhcloud',
  'huggingface_publicai',
  'huggingface_sambanova',
  'huggingface_together',
  'minimax',
  'mistral',
  'modal',
  'moonshotai',
  'novita',
  'openai',
  'openrouter',
  'ovhcloud',
  'perplexity',
  'quicksilverpro',
  'together',
  'typesafe',
  'voyageai',
  'x-ai',
  'zai',
  'zhipuai',
] as const;

/** The bundled catalogue, validated. Throws if a listed provider is missing from the package. */
export function loadBundledCatalogue(): CatalogueProvider[] {
  const providers = BUNDLED_PROVIDER_IDS.map((providerId) => {
    const provider = findProvider({ providerId });
    // findProvider also accepts a provider_match alias; insist on the exact id.
    if (!provider || provider.id !== providerId) throw new Error(`@pydantic/genai-prices has no provider ${providerId}`);
    return provider;
  });
  return parseCatalogue(providers, '@pydantic/genai-prices');
}
