import { readFileSync } from 'node:fs';
import { HOUR_MS, type HourCell } from '../../src/analytics/anomalies/cube.ts';
import { sharedDataPath } from '../support/shared-data.ts';
import { mulberry32 } from '../../src/domain/seeded-random.ts';

/** Day 0 of the ServeGen windows, placed on a Monday (the weekday is not documented upstream). */
export const EPOCH_MS = Date.UTC(2026, 10, 2);
export const HOURS = 14 * 24;
/** List prices per million tokens given to the anonymised models (a GPT-4o-, a 4.1-mini- and a 4o-mini-class model). */
export const PRICES: Record<string, { input: number; output: number }> = {
  'm-large': { input: 2.5, output: 10 },
  'm-mid': { input: 0.4, output: 1.6 },
  'm-small': { input: 0.15, output: 0.6 },
  'm-xl': { input: 15, output: 60 },
};
export const MODELS = ['m-large', 'm-mid', 'm-small'] as const;
export const PROJECTS = 8;

export interface ClientHours {
  model: string;
  client: string;
  project: string;
  requests: Float64Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
}

/**
 * Per-client hourly series from the ServeGen rates (requests = rate x 600 s per window, summed by
 * hour) and token statistics (each client's 6-hour mean lengths; the model's mean where a client
 * has none). Client i of a model is key `<model>/c<i>` in project `p<i mod 8>`.
 */
export function loadClients(): ClientHours[] {
  const out: ClientHours[] = [];
  for (const model of MODELS) {
    const tokens = new Map<string, { input: number; output: number }>();
    let sumIn = 0;
    let sumOut = 0;
    let n = 0;
    for (const line of readFileSync(sharedDataPath(`servegen/language-${model}-tokens.csv`), 'utf8').trim().split('\n').slice(1)) {
      const [client, start, inputMean, , , , outputMean] = line.split(',');
      tokens.set(`${client}:${Number(start) / 21_600}`, { input: Number(inputMean), output: Number(outputMean) });
      sumIn += Number(inputMean);
      sumOut += Number(outputMean);
      n++;
    }
    const fallback = { input: sumIn / n, output: sumOut / n };
    const clients = new Map<string, ClientHours>();
    for (const line of readFileSync(sharedDataPath(`servegen/language-${model}-rates.csv`), 'utf8').trim().split('\n').slice(1)) {
      const comma1 = line.indexOf(',');
      const comma2 = line.indexOf(',', comma1 + 1);
      const comma3 = line.indexOf(',', comma2 + 1);
      const client = line.slice(0, comma1);
      const start = Number(line.slice(comma1 + 1, comma2));
      const rate = Number(line.slice(comma2 + 1, comma3));
      if (!(rate > 0)) continue;
      const hour = Math.floor(start / 3600);
      if (hour >= HOURS) continue;
      let series = clients.get(client);
      if (!series) {
        series = { model, client: `${model}/c${client}`, project: `p${Number(client) % PROJECTS}`, requests: new Float64Array(HOURS), inputTokens: new Float64Array(HOURS), outputTokens: new Float64Array(HOURS) };
        clients.set(client, series);
      }
      const requests = rate * 600;
      const stats = tokens.get(`${client}:${Math.floor(start / 21_600)}`) ?? fallback;
      series.requests[hour]! += requests;
      series.inputTokens[hour]! += requests * stats.input;
      series.outputTokens[hour]! += requests * stats.output;
    }
    out.push(...clients.values());
  }
  return out;
}

export function costOf(model: string, inputTokens: number, outputTokens: number): number {
  const price = PRICES[model]!;
  return Math.round((inputTokens * price.input + outputTokens * price.output) * 1000); // per-M-token USD -> nano-USD: x 1e9 / 1e6
}

/** A client's series as the ledger's hourly cells. Callers may have altered or split the arrays (injections). */
export function cellsOf(clients: readonly ClientHours[]): HourCell[] {
  const cells: HourCell[] = [];
  for (const c of clients) {
    for (let h = 0; h < HOURS; h++) {
      if (c.requests[h]! <= 0) continue;
      cells.push({ hourMs: EPOCH_MS + h * HOUR_MS, project: c.project, user: null, key: c.client, model: c.model, requests: c.requests[h]!, costNanoUsd: costOf(c.model, c.inputTokens[h]!, c.outputTokens[h]!), inputTokens: c.inputTokens[h]!, outputTokens: c.outputTokens[h]! });
    }
  }
  return cells;
}

/** A seeded RNG, so the injected set is the same on every run. */
export const rng = mulberry32;
