import { Counter, type Registry } from 'prom-client';

/** One label set's running total (a caller may keep it and add to `value` directly). */
export interface Tally {
  labels: Record<string, string>;
  value: number;
}

/**
 * A Prometheus counter whose increments are summed in a Map keyed by the caller's own label key
 * and handed to prom-client only when scraped. An increment on the request path is then one Map
 * lookup and an add, instead of prom-client hashing, sorting and validating the label object each
 * time (several counters per request). The exported series are the same.
 */
export class TalliedCounter {
  private readonly tallies = new Map<string, Tally>();

  constructor(options: { name: string; help: string; labelNames: readonly string[]; registry: Registry }) {
    const tallies = this.tallies;
    new Counter({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: [options.registry],
      collect() {
        this.reset();
        for (const tally of tallies.values()) this.inc(tally.labels, tally.value);
      },
    });
  }

  /**
   * Adds `value` to the series `key` names (a string unique per label set, such as the values
   * joined by NUL); `labels` builds its label object the first time only. Returns the series'
   * tally, which a caller may keep and add to directly (series are never removed).
   */
  add(key: string, value: number, labels: (this: void) => Record<string, string>): Tally {
    let tally = this.tallies.get(key);
    if (tally) tally.value += value;
    else this.tallies.set(key, (tally = { labels: labels(), value }));
    return tally;
  }
}
