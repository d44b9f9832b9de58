import { Histogram, type Registry } from 'prom-client';

/** One label set's observations: per-bucket counts (not cumulative), their sum and count. */
interface Tally {
  readonly labels: Record<string, string>;
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** The part of prom-client's Histogram (15.x) the handover writes: its series by label hash. */
interface HistogramSeries {
  hashMap: Record<string, { labels: Record<string, string>; bucketValues: Record<number, number>; sum: number; count: number }>;
}

/**
 * A Prometheus histogram whose observations are counted per label set in plain arrays, keyed by
 * the caller's own label key, and handed to prom-client only when scraped. An observation on the
 * request path is one Map lookup, a bucket search and three adds, instead of prom-client hashing,
 * sorting and validating the label object and copying its bucket object each time.
 *
 * The exposition is prom-client's own: at scrape the tallies become the histogram's series (the
 * same entries its `observe` builds: labels, per-bound counts, sum, count, in first-observation
 * order), and prom-client renders them. Sums are added in observation order, as prom-client does,
 * so even the floating-point sum is the same (tallied-histogram.test.ts compares the text).
 */
export class TalliedHistogram {
  private readonly tallies = new Map<string, Tally>();
  private readonly bounds: readonly number[];

  constructor(options: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; registry: Registry }) {
    const tallies = this.tallies;
    // As given, as prom-client keeps them (it searches them in this order too).
    const bounds = [...options.buckets];
    this.bounds = bounds;
    new Histogram({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      buckets: bounds,
      registers: [options.registry],
      collect() {
        const series: HistogramSeries['hashMap'] = {};
        for (const [key, tally] of tallies) {
          const bucketValues: Record<number, number> = {};
          bounds.forEach((bound, index) => {
            bucketValues[bound] = tally.buckets[index]!;
          });
          // The key only has to be unique per label set (and not integer-like, so insertion order holds: it is prefixed).
          series[`s${key}`] = { labels: { ...tally.labels }, bucketValues, sum: tally.sum, count: tally.count };
        }
        (this as unknown as HistogramSeries).hashMap = series;
      },
    });
  }

  /**
   * Observes `value` in the series `key` names (a string unique per label set, such as the values
   * joined by NUL); `labels` builds its label object the first time only. A value that is not a
   * finite number throws prom-client's TypeError, as its `observe` does.
   */
  observe(key: string, value: number, labels: (this: void) => Record<string, string>): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${String(value)}`);
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { labels: labels(), buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 };
      this.tallies.set(key, tally);
    }
    tally.sum += value;
    tally.count += 1;
    const bounds = this.bounds;
    // The first bound the value is at or under; over the last bound only +Inf (the count) holds it.
    for (let index = 0; index < bounds.length; index += 1) {
      if (value <= bounds[index]!) {
        tally.buckets[index]! += 1;
        return;
      }
    }
  }
}
