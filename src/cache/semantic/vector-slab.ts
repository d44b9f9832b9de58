/**
 * Vectors kept in shared pages of 1,024 rows instead of one ArrayBuffer each: tens of thousands of
 * small ArrayBuffers cost far more memory and GC time than their bytes (measured: ~2 KB of external
 * memory per 1 KB vector). A stored vector is a `subarray` view into its page; freed rows are reused.
 * A view names its own row (its page's buffer and its offset there), so no id-to-row map is kept.
 */
export class VectorSlab {
  private readonly pages: Float32Array[] = [];
  /** Page number of each page's buffer. */
  private readonly pageOf = new Map<ArrayBufferLike, number>();
  private readonly free: number[] = [];
  private next = 0;
  private static readonly ROWS = 1_024;

  constructor(readonly dimensions: number) {}

  /** Copies `vector` into a row; returns a view of it (to give back with `release`). */
  store(vector: Float32Array): Float32Array {
    const row = this.free.pop() ?? this.next++;
    const page = Math.floor(row / VectorSlab.ROWS);
    while (this.pages.length <= page) {
      const added = new Float32Array(VectorSlab.ROWS * this.dimensions);
      this.pageOf.set(added.buffer, this.pages.length);
      this.pages.push(added);
    }
    const offset = (row % VectorSlab.ROWS) * this.dimensions;
    // A view over the page's buffer (the same as `subarray`, without its species lookup).
    const view = new Float32Array(this.pages[page]!.buffer, offset * Float32Array.BYTES_PER_ELEMENT, this.dimensions);
    // A shorter vector leaves the rest of a reused row zero; a full one overwrites all of it.
    if (vector.length < this.dimensions) view.fill(0);
    view.set(vector.length > this.dimensions ? vector.subarray(0, this.dimensions) : vector);
    return view;
  }

  /** Frees the row of a view `store` returned (a view of another slab is ignored). */
  release(view: Float32Array): void {
    const page = this.pageOf.get(view.buffer);
    if (page === undefined) return;
    this.free.push(page * VectorSlab.ROWS + view.byteOffset / Float32Array.BYTES_PER_ELEMENT / this.dimensions);
  }
}
