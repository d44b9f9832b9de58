/**
 * Caps the number of distinct values a label may take, so a client sending random model names or
 * project headers cannot blow up the metrics cardinality. Values seen first keep their own series;
 * later ones fold into `other`. Configured names can be pre-registered so they always get a series.
 */
export function createLabelBound(limit: number, preset: Iterable<string> = []): (value: string | null | undefined) => string {
  const known = new Set<string>(preset);
  const total = () => known.size;
  return (value) => {
    if (value === null || value === undefined || value === '') return 'none';
    if (known.has(value)) return value;
    if (total() < limit) {
      known.add(value);
      return value;
    }
    return 'other';
  };
}
