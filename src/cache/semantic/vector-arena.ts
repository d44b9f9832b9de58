/**
 * Short-lived vectors (a query's embedding, held from its lookup to the save after a miss) as views
 * into shared 64 KB chunks, handed out in turn: one ArrayBuffer per chunk instead of one per vector
 * (a 1 KB ArrayBuffer costs far more to allocate and to collect than its bytes). A chunk is never
 * reused: it is freed with its last view, so a view must not be kept for long (copy it, as the
 * slab does); it reads as zeros until written.
 */
export class VectorArena {
  private chunk: ArrayBuffer | undefined;
  private used = 0;

  constructor(private readonly chunkBytes = 64 * 1024) {}

  /** A zeroed vector of `length` floats. */
  take(length: number): Float32Array {
    const bytes = length * Float32Array.BYTES_PER_ELEMENT;
    if (this.chunk === undefined || this.used + bytes > this.chunk.byteLength) {
      this.chunk = new ArrayBuffer(Math.max(this.chunkBytes, bytes));
      this.used = 0;
    }
    const view = new Float32Array(this.chunk, this.used, length);
    this.used += bytes;
    return view;
  }
}
