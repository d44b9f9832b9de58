import { HOURS, PROJECTS, costOf, rng, type ClientHours } from './servegen-cells.ts';

/** Kinds of anomaly injected into the ServeGen clients (one of each in turn). */
export type InjectedKind = 'spike' | 'drop' | 'outage' | 'level-shift' | 'new-model' | 'new-spender' | 'cost-per-request' | 'pricier-model';
export interface Injection {
  kind: InjectedKind;
  start: number;
  hours: number;
  project: string;
  /** What a correct root cause names first. */
  cause: { dimension: 'key' | 'model'; value: string };
  /** Keys or models an alarm about this event may name (the client, the model it moved to). */
  names: string[];
}

/**
 * Injects events into real clients' hourly series with a seeded RNG: each in its own project and
 * time slot (no two overlap in a project), on clients carrying at least a tenth of their project's
 * spend in the week before (smaller ones do not move any watched series). Mutates `clients`.
 */
export function inject(clients: ClientHours[], seed: number): Injection[] {
  const random = rng(seed);
  const kinds: InjectedKind[] = ['spike', 'drop', 'outage', 'level-shift', 'new-model', 'new-spender', 'cost-per-request', 'pricier-model'];
  const out: Injection[] = [];
  const busy = new Map<string, [number, number][]>();
  const cost = (c: ClientHours, from: number, to: number) => {
    let sum = 0;
    for (let h = from; h < to; h++) sum += costOf(c.model, c.inputTokens[h]!, c.outputTokens[h]!);
    return sum;
  };
  let newKeys = 0;
  for (let i = 0; out.length < 80 && i < 5_000; i++) {
    const kind = kinds[out.length % kinds.length]!;
    const hours = kind === 'level-shift' ? 12 : kind === 'spike' ? 2 : 3;
    const start = 7 * 24 + Math.floor(random() * (HOURS - 7 * 24 - hours - 3));
    const project = `p${Math.floor(random() * PROJECTS)}`;
    if ((busy.get(project) ?? []).some(([s, e]) => start < e + 6 && s < start + hours + 6)) continue;
    const members = clients.filter((c) => c.project === project && !c.client.startsWith('new/') && !c.client.includes('@'));
    const projectCost = members.reduce((sum, c) => sum + cost(c, start - 168, start), 0);
    // Active in the event's hours (a paused client cannot run away) and big enough to matter.
    const eligible = members.filter((c) => cost(c, start - 168, start) >= 0.1 * projectCost && [...Array(hours).keys()].every((k) => c.requests[start + k]! > 0) && (kind !== 'pricier-model' || c.model !== 'm-large'));
    const target = eligible[Math.floor(random() * eligible.length)];
    if (!target) continue;
    const range = [...Array(hours).keys()].map((k) => start + k);
    let cause: Injection['cause'] = { dimension: 'key', value: target.client };
    const names = [target.client];
    const scale = (c: ClientHours, factor: number, tokensOnly = false) => {
      for (const h of range) {
        if (!tokensOnly) c.requests[h]! *= factor;
        c.inputTokens[h]! *= factor;
        if (!tokensOnly) c.outputTokens[h]! *= factor;
      }
    };
    const moveTo = (model: string, fraction: number) => {
      const moved: ClientHours = { ...target, model, requests: new Float64Array(HOURS), inputTokens: new Float64Array(HOURS), outputTokens: new Float64Array(HOURS), client: target.client };
      for (const h of range) {
        moved.requests[h] = target.requests[h]! * fraction;
        moved.inputTokens[h] = target.inputTokens[h]! * fraction;
        moved.outputTokens[h] = target.outputTokens[h]! * fraction;
        target.requests[h]! *= 1 - fraction;
        target.inputTokens[h]! *= 1 - fraction;
        target.outputTokens[h]! *= 1 - fraction;
      }
      clients.push({ ...moved, client: target.client });
    };
    if (kind === 'spike') scale(target, 10);
    else if (kind === 'level-shift') scale(target, 3);
    else if (kind === 'drop') scale(target, 0.2);
    else if (kind === 'outage') scale(target, 0);
    else if (kind === 'cost-per-request') scale(target, 8, true);
    else if (kind === 'pricier-model') {
      moveTo('m-large', 1);
      cause = { dimension: 'model', value: 'm-large' };
      names.push('m-large');
    } else if (kind === 'new-model') {
      moveTo('m-xl', 0.5);
      cause = { dimension: 'model', value: 'm-xl' };
      names.push('m-xl');
    } else if (kind === 'new-spender') {
      const key = `new/k${newKeys++}`;
      const fresh: ClientHours = { model: target.model, client: key, project, requests: new Float64Array(HOURS), inputTokens: new Float64Array(HOURS), outputTokens: new Float64Array(HOURS) };
      for (const h of range) {
        fresh.requests[h] = target.requests[h]! * 0.3;
        fresh.inputTokens[h] = target.inputTokens[h]! * 0.3;
        fresh.outputTokens[h] = target.outputTokens[h]! * 0.3;
      }
      clients.push(fresh);
      cause = { dimension: 'key', value: key };
      names.splice(0, 1, key);
    }
    busy.set(project, [...(busy.get(project) ?? []), [start, start + hours]]);
    out.push({ kind, start, hours, project, cause, names });
  }
  return out;
}
