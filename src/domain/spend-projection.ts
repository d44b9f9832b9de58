/**
 * A projection of spend to a period's end (nano-USD): what is spent so far plus the forecast, with
 * its 80% and 95% intervals. Shared by the forecast (analytics), which makes it, and the budgets,
 * which alert and report on it: two sibling layers that may not import each other.
 */
export interface PeriodProjection {
  projectedNano: number;
  lo80Nano: number;
  hi80Nano: number;
  lo95Nano: number;
  hi95Nano: number;
  /** When the mean path reaches the limit (null: not before the period ends). */
  exhaustionAtMs: number | null;
}

/** A budget's projection, with the forecast model behind it (for the alert's message). */
export interface SpendProjection extends PeriodProjection {
  model: string;
}
