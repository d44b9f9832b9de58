import type { BudgetConfig, TollgateConfig } from '../../config/schema.ts';
import { GatewayError } from '../../domain/errors.ts';
import { ownEntry } from '../../domain/own-entry.ts';
import { isValidModelName } from '../../pipeline/validate.ts';

/**
 * A budget made or changed through the admin API downgrades only to a model the gateway can serve:
 * a model alias, `model@provider` with a configured provider, or (with a `defaultProvider`) a bare
 * model name, in the character set every model name is checked against. Anything else was taken, and
 * every request in the budget's scope past the threshold was then sent upstream under that name.
 */
export function checkDowngradeTargets(budget: BudgetConfig, config: Pick<TollgateConfig, 'models' | 'providers' | 'defaultProvider'>): void {
  for (const [index, threshold] of budget.thresholds.entries()) {
    const target = threshold.downgradeTo;
    if (target === undefined || ownEntry(config.models, target)) continue;
    const param = `thresholds.${index}.downgradeTo`;
    const at = target.lastIndexOf('@');
    const known = isValidModelName(target) && (at > 0 ? ownEntry(config.providers, target.slice(at + 1)) !== undefined : config.defaultProvider !== undefined);
    if (!known) {
      throw new GatewayError('invalid_request', `Invalid request: ${param}: '${target.slice(0, 80).replace(/[^\x20-\x7e]/g, '?')}' is neither a model alias nor model@provider of a configured provider`, { param });
    }
  }
}
