/**
 * The 32-bit hashes the feature extractors share (learned router, semantic-cache embedder, mock
 * embeddings): FNV-1a over UTF-16 code units, and murmur3's finaliser to spread its bits. Pure;
 * their values are part of trained artefacts, so they must never change.
 */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `s`, starting from `seed` (the FNV offset basis by default). */
export function fnv1a32(s: string, seed: number = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
