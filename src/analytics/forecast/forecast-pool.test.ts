import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../domain/errors.ts';
import type { SpendRow } from '../../ledger/store.ts';
import { createForecastPool, type ForecastPool } from './forecast-pool.ts';
import { runForecastTask, type ForecastTask } from './forecast-task.ts';
import { historySeries } from './forecast-report.ts';
import { HOUR_MS } from './hourly-series.ts';

const START = Date.parse('2026-10-05T00:00:00Z');

/** `projects` projects over `days` days, each following the day at its own scale. */
function rows(days: number, projects: number): SpendRow[] {
  const out: SpendRow[] = [];
  for (let h = 0; h < days * 24; h++) {
    for (let p = 0; p < projects; p++) {
      const cost = Math.round((p + 1) * 1e5 * (1.1 + Math.sin(((h % 24) / 24) * 2 * Math.PI)) + (h % 168 < 120 ? 5e4 : 0));
      out.push({ keys: { hour: new Date(START + h * HOUR_MS).toISOString().slice(0, 13) + ':00Z', project: `p${p}` }, requests: 3, inputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0, costNanoUsd: cost, savedNanoUsd: 0, errors: 0, unpriced: 0, estimated: 0 });
    }
  }
  return out;
}

function reportTask(days: number, projects: number): Extract<ForecastTask, { kind: 'report' }> {
  const firstHourMs = START + days * 24 * HOUR_MS;
  return { kind: 'report', series: historySeries(rows(days, projects), 'cost', START, firstHourMs, 'project'), metric: 'cost', historyFromMs: START, firstHourMs, horizonHours: 14 * 24, backtest: true };
}

/** The pool of one forecast worker: same answers as in process, a timeout that restarts it, shutdown. */
describe('createForecastPool', () => {
  let pool: ForecastPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('starts its worker on the first task and answers exactly what the in-process forecast answers', async () => {
    pool = createForecastPool();
    expect(pool.started).toBe(false);
    const task = reportTask(21, 5);
    const [inWorker, series] = await Promise.all([pool.run(task), pool.run({ kind: 'series', history: Float64Array.from({ length: 24 * 15 }, (_, i) => 10 + (i % 24)), horizonHours: 48 })]);
    expect(pool.started).toBe(true);
    expect(inWorker.model).toBe('mstl');
    expect(inWorker.parts).toHaveLength(5);
    expect(inWorker).toEqual(runForecastTask(task));
    expect(series.points).toHaveLength(48);
    expect(series).toEqual(runForecastTask({ kind: 'series', history: Float64Array.from({ length: 24 * 15 }, (_, i) => 10 + (i % 24)), horizonHours: 48 }));
  });

  it('stops a task that overruns its timeout with a 504, and answers the next one from a new worker', async () => {
    pool = createForecastPool({ timeoutMs: 400 });
    const small = { kind: 'series', history: new Float64Array(10).fill(1), horizonHours: 3 } as const;
    expect((await pool.run(small)).points).toHaveLength(3);
    expect(pool.starts).toBe(1);
    // 56 days of 20 projects with a backtest: seconds of fits, far past 400 ms.
    const error = await pool.run(reportTask(56, 20)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(504);
    expect((error as GatewayError).message).toMatch(/longer than 400 ms .* history=/);
    expect(pool.started).toBe(false);
    expect((await pool.run(small)).points).toHaveLength(3);
    expect(pool.starts).toBe(2);
  });

  it('a task that fails in the worker is a clear error and the worker lives on', async () => {
    pool = createForecastPool();
    const bad = { kind: 'report', series: null } as unknown as ForecastTask;
    await expect(pool.run(bad)).rejects.toThrow(/the forecast failed/);
    expect((await pool.run({ kind: 'series', history: new Float64Array(10).fill(2), horizonHours: 2 })).points[0]!.mean).toBeCloseTo(2, 6);
  });

  it('refuses work after close, and a close fails the tasks still waiting', async () => {
    pool = createForecastPool();
    const waiting = pool.run(reportTask(28, 3)).catch((e: unknown) => e);
    await pool.close();
    expect(((await waiting) as GatewayError).status).toBe(503);
    await expect(pool.run({ kind: 'series', history: new Float64Array(5), horizonHours: 1 })).rejects.toThrow(/shut down/);
    expect(pool.started).toBe(false);
  });
});
