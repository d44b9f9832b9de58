import { describe, expect, it } from 'vitest';
import { parseCatalogue, type CatalogueProvider } from './catalogue.ts';
import { createCatalogueIndex } from './catalogue-index.ts';
import { expandCompactDate } from './model-match.ts';

const catalogue: CatalogueProvider[] = parseCatalogue([
  {
    id: 'openai',
    name: 'OpenAI',
    model_match: { or: [{ starts_with: 'gpt-' }, { regex: '^o[134]' }] },
    models: [
      { id: 'gpt-4o-mini', match: { starts_with: 'gpt-4o-mini' }, prices: { input_mtok: 0.15, output_mtok: 0.6 } },
      { id: 'gpt-4o', match: { or: [{ equals: 'gpt-4o' }, { equals: 'gpt-4o-2024-08-06' }] }, prices: { input_mtok: 2.5, output_mtok: 10 } },
      { id: 'o3', match: { regex: '^o3(?:-\\d{4}-\\d{2}-\\d{2})?$' }, prices: { input_mtok: 2, output_mtok: 8 } },
      { id: 'Capital', match: { regex: 'Capital' }, prices: { input_mtok: 1 } },
    ],
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    model_match: { contains: 'claude' },
    models: [{ id: 'claude-sonnet-4-5', match: { starts_with: 'claude-sonnet-4-5' }, prices: { input_mtok: 3, output_mtok: 15 } }],
  },
  {
    id: 'azure',
    name: 'Azure',
    provider_match: { contains: 'azure' },
    fallback_model_providers: ['openai', 'anthropic'],
    models: [{ id: 'gpt-4o', match: { equals: 'gpt-4o' }, prices: { input_mtok: 2.75, output_mtok: 11 } }],
  },
]);
const index = createCatalogueIndex(catalogue);

describe('catalogue index', () => {
  it('matches case-insensitively and takes the first matching model in list order', () => {
    expect(index.findModel('openai', ' GPT-4o-Mini-2024-07-18 ')?.model.id).toBe('gpt-4o-mini');
    expect(index.findModel('OpenAI', 'gpt-4o')?.model.id).toBe('gpt-4o');
  });

  it('tests regexes against the lower-cased id, as genai-prices does', () => {
    expect(index.findModel('openai', 'o3')?.model.id).toBe('o3');
    expect(index.findModel('openai', 'Capital')).toBeUndefined();
  });

  it('retries with a compact date expanded, and only with real dates', () => {
    expect(expandCompactDate('gpt-4o-20240806')).toBe('gpt-4o-2024-08-06');
    expect(expandCompactDate('gpt-4o-20240231')).toBe('gpt-4o-20240231');
    expect(expandCompactDate('o3-20250416:batch')).toBe('o3-2025-04-16:batch');
    expect(index.findModel('openai', 'gpt-4o-20240806')?.model.id).toBe('gpt-4o');
    expect(index.findModel('openai', 'o3-20250416')?.model.id).toBe('o3');
  });

  it('does not strip prefixes genai-prices keeps', () => {
    expect(index.findModel('openai', 'models/gpt-4o')).toBeUndefined();
  });

  it('prefers the provider own list, then its fallback providers', () => {
    const own = index.findModel('azure', 'gpt-4o');
    expect(own?.listedBy.id).toBe('azure');
    const fallback = index.findModel('azure', 'claude-sonnet-4-5-20250929');
    expect(fallback?.provider.id).toBe('azure');
    expect(fallback?.listedBy.id).toBe('anthropic');
  });

  it('finds a provider by provider_match', () => {
    expect(index.findProvider('my-azure-east')?.id).toBe('azure');
    expect(index.findModel('unknown', 'gpt-4o')).toBeUndefined();
  });

  it('without a provider, searches only the first provider whose model_match matches', () => {
    expect(index.findModelWithoutProvider('claude-sonnet-4-5')?.provider.id).toBe('anthropic');
    expect(index.findModelWithoutProvider('gpt-4o')?.provider.id).toBe('openai');
    expect(index.findModelWithoutProvider('llama-3.1-8b')).toBeUndefined();
  });
});

describe('parseCatalogue', () => {
  it('normalises constraints written without a type', () => {
    const [provider] = parseCatalogue([
      {
        id: 'p',
        models: [{ id: 'm', match: { equals: 'm' }, prices: [{ prices: { input_mtok: 1 } }, { constraint: { start_date: '2026-01-01' }, prices: { input_mtok: 2 } }] }],
      },
    ]);
    expect(provider?.models[0]?.prices).toEqual([
      { prices: { input_mtok: 1 } },
      { constraint: { type: 'start_date', start_date: '2026-01-01' }, prices: { input_mtok: 2 } },
    ]);
  });

  it.each([
    [{}, /expected an array/],
    [[{ id: 'p', models: [{ id: 'm', match: { equals: 'm' }, prices: { input_mtok: -1 } }] }], /prices\.input_mtok/],
    [[{ id: 'p', models: [{ id: 'm', match: { fuzzy: 'm' }, prices: {} }] }], /unknown match clause/],
    [[{ id: 'p', models: [{ id: 'm', match: { regex: '(' }, prices: {} }] }], /invalid regular expression/],
    [[{ id: 'p', models: [{ id: 'm', match: { equals: 'm' }, prices: { input_mtok: { base: 1, tiers: [{ start: -5, price: 2 }] } } }] }], /tiers\[0\]/],
    [[{ id: 'p', models: [{ id: 'm', match: { equals: 'm' }, prices: [{ constraint: { start_time: '9am', end_time: '10am' }, prices: {} }] }] }], /constraint/],
  ])('rejects a malformed catalogue with the path of the problem (%#)', (value, message) => {
    expect(() => parseCatalogue(value)).toThrow(message);
  });
});
