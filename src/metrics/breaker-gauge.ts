import { Gauge, type Registry } from 'prom-client';

const VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * `tollgate_breaker_state{target}`: 0 closed, 1 half-open, 2 open, read at scrape time. The
 * targets come from the config (a bounded set), never from request input.
 */
export function registerBreakerGauge(registry: Registry, read: () => ReadonlyArray<{ target: string; state: keyof typeof VALUE }>): void {
  new Gauge({
    name: 'tollgate_breaker_state',
    help: 'Circuit breaker per configured target (model@provider): 0 closed, 1 half-open, 2 open.',
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const view of read()) this.set({ target: view.target }, VALUE[view.state]);
    },
  });
}
