/**
 * The seasonal profile of the recent history: each hour's share of its season (day or week),
 * averaged over the last `seasons` whole seasons, as factors with mean 1. Multiplied by a level it
 * is a forecast whose swing scales with the level (spend's does: half the traffic, half the
 * afternoon peak), which an additive seasonal model (MSTL's) does not do. A season with no
 * activity counts as flat. Returns `steps` factors starting at the hour after the history. Pure.
 */
export function seasonalProfile(history: ArrayLike<number>, period: number, steps: number, seasons = period === 24 ? 7 : 4): number[] {
  const available = Math.min(seasons, Math.floor(history.length / period));
  const shares = new Float64Array(period);
  if (available < 1) return new Array<number>(steps).fill(1);
  for (let s = 0; s < available; s++) {
    const from = history.length - period * (s + 1);
    let total = 0;
    for (let i = 0; i < period; i++) total += Math.max(0, history[from + i]!);
    for (let i = 0; i < period; i++) shares[i]! += total > 0 ? Math.max(0, history[from + i]!) / total : 1 / period;
  }
  // The history ends at a season boundary counted from its end, so step i is position i % period.
  return Array.from({ length: steps }, (_, i) => (shares[i % period]! / available) * period);
}
