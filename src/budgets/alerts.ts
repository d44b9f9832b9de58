import { randomUUID } from 'node:crypto';
import { formatUsd } from '../domain/money.ts';
import type { BudgetAlert, BudgetStore } from './store.ts';

export interface AlertNotifier {
  /** Records the alert unless it was already raised for this budget, window and kind; delivers it when new. */
  raise(alert: Omit<BudgetAlert, 'id' | 'message'> & { message?: string }): Promise<boolean>;
}

/**
 * Alerts go to the store (deduplicated there, so N instances raise each alert once), the log, and
 * a Slack-compatible webhook (`{ text, … }`). Delivery failures are logged, never thrown.
 */
export function createAlertNotifier(options: { store: BudgetStore; webhookUrl?: string | undefined; log: (line: string) => void }): AlertNotifier {
  const raised = new Set<string>();
  return {
    async raise(input) {
      const key = `${input.budgetId}|${input.windowStartMs}|${input.kind}`;
      if (raised.has(key)) return false;
      raised.add(key);
      if (raised.size > 10_000) raised.clear();
      const message =
        input.message ??
        `Budget ${input.budgetId}: ${input.kind} — $${formatUsd(input.spentNano)} of $${formatUsd(input.limitNano)} (${((input.spentNano / input.limitNano) * 100).toFixed(1)}%)`;
      const alert: BudgetAlert = { ...input, id: randomUUID(), message };
      let inserted: boolean;
      try {
        inserted = await options.store.insertAlert(alert);
      } catch (error) {
        options.log(`budget alert could not be stored: ${(error as Error).message}`);
        inserted = true;
      }
      if (!inserted) return false;
      options.log(`ALERT ${message}`);
      if (options.webhookUrl) void deliver(options.webhookUrl, alert, options.log);
      return true;
    },
  };
}

async function deliver(url: string, alert: BudgetAlert, log: (line: string) => void): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: `:warning: Tollgate ${alert.message}`,
        budget: alert.budgetId,
        kind: alert.kind,
        spentUsd: formatUsd(alert.spentNano),
        limitUsd: formatUsd(alert.limitNano),
        windowStart: new Date(alert.windowStartMs).toISOString(),
        time: new Date(alert.timeMs).toISOString(),
      }),
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    if (!response.ok) log(`alert webhook answered HTTP ${response.status}`);
  } catch (error) {
    log(`alert webhook failed: ${(error as Error).message}`);
  }
}
