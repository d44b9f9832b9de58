/**
 * Term frequencies of 32-bit feature hashes, in order of first occurrence: what a
 * `Map<number, number>` gives, without it. Feature hashes are mostly above 2^30, so as Map keys
 * each one is a boxed heap number; here they live in typed arrays (open addressing, linear
 * probing). One table is reused for every text an embedder embeds.
 */
export class FeatureCounts {
  private keys = new Uint32Array(256);
  private counts = new Uint32Array(256);
  /** Slots in order of first occurrence. */
  private order = new Uint32Array(256);
  private mask = 255;
  size = 0;

  /** Counts the first `length` of `hashes` (all by default), after forgetting the previous ones. */
  count(hashes: ArrayLike<number>, length: number = hashes.length): void {
    this.reset(length);
    const { keys, counts, order, mask } = this;
    for (let index = 0; index < length; index += 1) {
      const hash = hashes[index]!;
      let slot = Math.imul(hash, 0x9e3779b1) >>> 0;
      for (;;) {
        slot &= mask;
        if (counts[slot] === 0) {
          keys[slot] = hash;
          counts[slot] = 1;
          order[this.size++] = slot;
          break;
        }
        if (keys[slot] === hash) {
          counts[slot]! += 1;
          break;
        }
        slot += 1;
      }
    }
  }

  /** The `index`-th distinct hash (in order of first occurrence) and its count. */
  hashAt(index: number): number {
    return this.keys[this.order[index]!]!;
  }

  countAt(index: number): number {
    return this.counts[this.order[index]!]!;
  }

  /** Room for `distinct` hashes at most half full; clears only the slots the last text used. */
  private reset(distinct: number): void {
    let capacity = this.keys.length;
    if (distinct * 2 > capacity) {
      while (distinct * 2 > capacity) capacity *= 2;
      this.keys = new Uint32Array(capacity);
      this.counts = new Uint32Array(capacity);
      this.order = new Uint32Array(capacity);
      this.mask = capacity - 1;
    } else {
      for (let index = 0; index < this.size; index += 1) this.counts[this.order[index]!] = 0;
    }
    this.size = 0;
  }
}
