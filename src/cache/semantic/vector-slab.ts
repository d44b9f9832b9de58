/**
 * Vectors kept in shared pages of 1,024 rows instead of one ArrayBuffer each: tens of thousands of
 * small ArrayBuffers cost far more memory and GC time than their bytes (measured: ~2 KB of external
 * memory per 1 KB vector). A stored vector is a `subarray` view into its page; freed rows are reused.
 */
export class VectorSlab {
  private readonly pages: Float32Array[] = [];
  private readonly free: number[] = [];
  private next = 0;
  private static readonly ROWS = 1_024;

  constructor(readonly dimensions: number) {}

  /** Copies `vector` into a row; returns the row and a view of it. */
  store(vector: Float32Array): { row: number; view: Float32Array } {
    const row = this.free.pop() ?? this.next++;
    const page = Math.floor(row / VectorSlab.ROWS);
    while (this.pages.length <= page) this.pages.push(new Float32Array(VectorSlab.ROWS * this.dimensions));
    const offset = (row % VectorSlab.ROWS) * this.dimensions;
    const view = this.pages[page]!.subarray(offset, offset + this.dimensions);
    view.fill(0);
    view.set(vector.length > this.dimensions ? vector.subarray(0, this.dimensions) : vector);
    return { row, view };
  }

  release(row: number): void {
    this.free.push(row);
  }
}
