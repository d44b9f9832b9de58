import type { TollgateConfig } from '../config/schema.ts';
import { createMemoryExactStore, isCurrentAnswer } from './exact-store.ts';
import { createRedisExactStore } from './redis-store.ts';
import { ResponseCache } from './response-cache.ts';
import { createHashedEmbedder, type Embedder } from '../language/embedder.ts';
import type { SemanticEntryStore } from './semantic/entry-store.ts';
import { SemanticCache } from './semantic/semantic-cache.ts';
import { syncSemanticCacheOverRedis } from './semantic/redis-sync.ts';
import { createUpstreamEmbedder } from './semantic/upstream-embedder.ts';

/** The response cache the config asks for (undefined when disabled), with its semantic layer restored from the store. */
export async function createResponseCache(
  config: TollgateConfig,
  options: { redisUrl?: string | undefined; now: () => number; semanticStore: SemanticEntryStore; log: (line: string) => void },
): Promise<ResponseCache | undefined> {
  const settings = config.cache;
  // Only `persist: full` writes prompts and answers to the store; otherwise what an earlier run persisted goes.
  const persisted = settings.enabled && settings.semantic.enabled && settings.semantic.persist === 'full';
  if (!persisted) await forgetPersisted(options.semanticStore, options.log);
  if (!settings.enabled) return undefined;
  const ttlMs = settings.ttlSeconds * 1000;
  const store = options.redisUrl ? createRedisExactStore(options.redisUrl) : createMemoryExactStore(settings.maxMegabytes * 1024 * 1024, options.now);
  let semantic: SemanticCache | undefined;
  if (settings.semantic.enabled) {
    semantic = new SemanticCache(await embedderFor(config), persisted ? options.semanticStore : undefined, {
      threshold: settings.semantic.threshold,
      ttlMs,
      maxEntries: settings.semantic.maxEntries,
      now: options.now,
      ...(settings.semantic.decision === 'verifier' ? { guard: { verifier: true } } : {}),
    });
    const restored = await semantic.load().catch((error: unknown) => {
      options.log(`semantic cache entries could not be restored: ${(error as Error).message}`);
      return 0;
    });
    // Entries an older release persisted (answers in a former format) are dropped, not served.
    const outdated = semantic.dropWhere((entry) => !isCurrentAnswer(entry.answer));
    if (outdated > 0) options.log(`semantic cache: ${outdated} entries in an older format dropped`);
    if (restored - outdated > 0) options.log(`semantic cache: ${restored - outdated} entries restored`);
  }
  const cache = new ResponseCache(store, { ttlMs, sharedNamespace: settings.sharedNamespace }, semantic);
  if (semantic && options.redisUrl) {
    const sync = syncSemanticCacheOverRedis(semantic, options.redisUrl);
    await sync.ready;
    cache.onClose(() => sync.close());
  }
  return cache;
}

async function embedderFor(config: TollgateConfig): Promise<Embedder> {
  const spec = config.cache.semantic.embedder;
  if (spec.kind === 'hashed') return createHashedEmbedder({ dimensions: spec.dimensions });
  if (spec.kind === 'onnx') {
    const { createOnnxEmbedder } = await import('./semantic/onnx-embedder.ts');
    return createOnnxEmbedder(spec.path, { maxTokens: spec.maxTokens });
  }
  const provider = config.providers[spec.provider];
  if (!provider) throw new Error(`cache.semantic.embedder.provider '${spec.provider}' is not one of the configured providers`);
  if (provider.kind === 'anthropic') throw new Error(`cache.semantic.embedder.provider '${spec.provider}' is an Anthropic provider, which has no /v1/embeddings`);
  return createUpstreamEmbedder(provider, spec.model);
}

/** Deletes semantic entries an earlier run persisted (persistence is now off, or the semantic cache is). */
async function forgetPersisted(store: SemanticEntryStore, log: (line: string) => void): Promise<void> {
  const cleared = await store.clear().catch((error: unknown) => {
    log(`semantic cache entries persisted by an earlier run could not be deleted: ${(error as Error).message}`);
    return 0;
  });
  if (cleared > 0) log(`semantic cache: ${cleared} persisted entries deleted (cache.semantic.persist is not full)`);
}
