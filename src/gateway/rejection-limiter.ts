/**
 * Per-address token buckets for requests refused at the edge (no or bad key, bad JSON, too large):
 * each refusal takes a token; an address with none left is refused with a 429 before any work
 * (key lookup, body read). Memory is bounded: at most `maxAddresses` buckets, oldest dropped first.
 * Pure apart from the clock it is given.
 */
export class RejectionLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly options: { perSecond: number; burst: number; maxAddresses?: number },
    private readonly now: () => number,
  ) {}

  /** Milliseconds until the address may be refused again without a 429; 0 when it still has tokens. */
  retryAfterMs(address: string): number {
    const bucket = this.refilled(address);
    if (!bucket || bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) / this.options.perSecond) * 1000);
  }

  /** Takes one token for a refusal. */
  charge(address: string): void {
    const bucket = this.refilled(address) ?? { tokens: this.options.burst, atMs: this.now() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.delete(address);
    this.buckets.set(address, bucket);
    const max = this.options.maxAddresses ?? 10_000;
    while (this.buckets.size > max) this.buckets.delete(this.buckets.keys().next().value as string);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(address: string): { tokens: number; atMs: number } | undefined {
    const bucket = this.buckets.get(address);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.atMs) / 1000) * this.options.perSecond);
    bucket.atMs = now;
    if (bucket.tokens >= this.options.burst) {
      this.buckets.delete(address);
      return undefined;
    }
    return bucket;
  }
}
