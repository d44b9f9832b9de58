import type { BudgetConfig } from '../config/schema.ts';
import { usdToNano, type NanoUsd } from '../domain/money.ts';

/** Per budget object: its limit as parsed, and the `limitUsd` it was parsed from (a budget edited in place parses again). */
const parsed = new WeakMap<object, { usd: BudgetConfig['limitUsd']; nano: NanoUsd }>();

/** A budget's limit in nano-dollars (`usdToNano(budget.limitUsd)`), parsed once per budget and limit. */
export function limitNanoOf(budget: Pick<BudgetConfig, 'limitUsd'>): NanoUsd {
  const held = parsed.get(budget);
  if (held && held.usd === budget.limitUsd) return held.nano;
  const nano = usdToNano(budget.limitUsd);
  parsed.set(budget, { usd: budget.limitUsd, nano });
  return nano;
}
