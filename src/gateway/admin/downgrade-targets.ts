import type { BudgetConfig, TollgateConfig } from '../../config/schema.ts';
import { GatewayError } from '../../domain/errors.ts';
import { isKnownDowngradeTarget, quoteTarget } from '../../config/downgrade-target.ts';

/**
 * A budget made or changed through the admin API downgrades only to a model the gateway can serve:
 * a model alias, `model@provider` with a configured provider, or (with a `defaultProvider`) a bare
 * model name, in the character set every model name is checked against. Anything else was taken, and
 * every request in the budget's scope past the threshold was then sent upstream under that name.
 */
export function checkDowngradeTargets(budget: BudgetConfig, config: Pick<TollgateConfig, 'models' | 'providers' | 'defaultProvider'>): void {
  for (const [index, threshold] of budget.thresholds.entries()) {
    const target = threshold.downgradeTo;
    if (target === undefined || isKnownDowngradeTarget(target, config)) continue;
    const param = `thresholds.${index}.downgradeTo`;
    throw new GatewayError('invalid_request', `Invalid request: ${param}: ${quoteTarget(target)} is neither a model alias nor model@provider of a configured provider`, { param });
  }
}
