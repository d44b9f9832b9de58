import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY, VIEWER_KEY, startAccessGateway, type AccessGateway } from '../access/gateway.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

const HOUR = 3_600_000;

interface Point {
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}
interface ForecastBody {
  metric: string;
  model: string;
  reason: string;
  historyHours: number;
  history: { t: number; value: number }[];
  points: (Point & { t: number })[];
  total: Point;
  parts?: { key: string; total: Point }[];
  budgets: { budgetId: string; periodEndMs: number; spentNanoUsd: number; projectedNanoUsd: number; hi80NanoUsd: number; limitNanoUsd: number; exhaustionAtMs: number | null; method: string }[];
  backtest?: { origins: number; forecast: { wapePercent: number }; yesterday: { wapePercent: number } };
}

/**
 * GET /api/cost/forecast through the real gateway app on a real SQLite ledger: an empty ledger
 * first (200, model 'none', the reason), then three weeks of hourly spend in two projects.
 */
describe('GET /api/cost/forecast', () => {
  let g: AccessGateway;
  const get = async (path: string, key = ROOT_KEY) => {
    const response = await g.call(path, key);
    return { status: response.status, body: (await response.json()) as ForecastBody & { error?: { message: string } } };
  };

  beforeAll(async () => {
    g = await startAccessGateway({
      config: (input) => ({ ...input, budgets: [
          { id: 'monthly', scope: 'global', period: 'monthly', limitUsd: 1000, thresholds: [{ percent: 80, action: 'alert' }] },
          { id: 'last-day', scope: 'global', period: 'rolling', rollingHours: 24, limitUsd: 50, thresholds: [{ percent: 80, action: 'alert' }] },
        ] as typeof input.budgets }),
    });
  });
  afterAll(() => g?.close());

  it('answers an empty ledger with 200, model none and the reason', async () => {
    const { status, body } = await get('/api/cost/forecast');
    expect(status).toBe(200);
    expect(body).toMatchObject({ metric: 'cost', model: 'none', points: [], budgets: [] });
    expect(body.reason).toMatch(/too little/);
  });

  it('rejects bad parameters with a 400 and a message', async () => {
    for (const query of ['horizon=abc', 'horizon=1000d', 'horizon=0h', 'metric=bogus', 'by=user', 'history=-3d', 'from=nonsense', 'method=best', 'method=__proto__']) {
      const { status, body } = await get(`/api/cost/forecast?${query}`);
      expect(status, query).toBe(400);
      expect(body.error!.message.length, query).toBeGreaterThan(10);
    }
  });

  it('forecasts three weeks of history with MSTL, parts adding up, and the budget projected to its period end', async () => {
    const now = Date.now();
    const currentHour = Math.floor(now / HOUR) * HOUR;
    const records = [];
    for (let h = 21 * 24; h >= 1; h--) {
      const timeMs = currentHour - h * HOUR + 60_000;
      const hour = new Date(timeMs).getUTCHours();
      const web = Math.round(2e6 * (1.2 + Math.sin((hour / 24) * 2 * Math.PI)));
      records.push(ledgerRecord({ timeMs, projectId: 'web', costNanoUsd: web, inputCostNanoUsd: web, outputCostNanoUsd: 0 }));
      records.push(ledgerRecord({ timeMs, projectId: 'batch', costNanoUsd: hour < 6 ? 4e6 : 5e5, inputCostNanoUsd: hour < 6 ? 4e6 : 5e5, outputCostNanoUsd: 0 }));
    }
    await g.server.gateway.runtime.ledger.append(records);

    const { status, body } = await get('/api/cost/forecast?horizon=7d&by=project&backtest=true');
    expect(status).toBe(200);
    expect(body.model).toBe('mstl');
    expect(body.historyHours).toBe(21 * 24);
    expect(body.points).toHaveLength(7 * 24);
    expect(body.points[0]!.t).toBe(currentHour);
    for (const p of body.points) expect(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
    // About a week of the history's daily spend: web 2e6 × 1.2 × 24 + batch (6 × 4e6 + 18 × 5e5) per day.
    const perDay = 2e6 * 1.2 * 24 + 6 * 4e6 + 18 * 5e5;
    expect(body.total.mean / (7 * perDay)).toBeGreaterThan(0.9);
    expect(body.total.mean / (7 * perDay)).toBeLessThan(1.1);
    expect(body.parts!.map((p) => p.key).sort()).toEqual(['batch', 'web']);
    expect(Math.abs(body.parts!.reduce((sum, p) => sum + p.total.mean, 0) - body.total.mean)).toBeLessThan(1e-6 * body.total.mean);
    const budget = body.budgets.find((b) => b.budgetId === 'monthly')!;
    expect(budget.method).toBe('forecast (mstl)');
    expect(budget.limitNanoUsd).toBe(1000e9);
    expect(budget.projectedNanoUsd).toBeGreaterThanOrEqual(budget.spentNanoUsd);
    expect(budget.hi80NanoUsd).toBeGreaterThanOrEqual(budget.projectedNanoUsd);
    expect(budget.exhaustionAtMs).toBeNull();
    expect(body.backtest!.origins).toBeGreaterThan(0);
    expect(body.backtest!.forecast.wapePercent).toBeLessThan(15);
  });

  it('with method=select, a backtest on the history chooses the shape and level and the reason says which; parts still add up', async () => {
    // The three weeks written by the test above.
    const plain = await get('/api/cost/forecast?horizon=7d&by=project');
    const { status, body } = await get('/api/cost/forecast?horizon=7d&by=project&method=select');
    expect(status).toBe(200);
    expect(body.model).toBe('mstl');
    expect(body.reason).toMatch(/chosen by a backtest on the history \(\d+ origins, \d+ hours: WAPE [\d.]+% against [\d.]+% for/);
    expect(plain.body.reason).not.toMatch(/chosen by a backtest/);
    expect(body.points).toHaveLength(7 * 24);
    for (const p of body.points) expect(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95).toBe(true);
    expect(Math.abs(body.parts!.reduce((sum, p) => sum + p.total.mean, 0) - body.total.mean)).toBeLessThan(1e-6 * body.total.mean);
  });

  it('takes the history from from= (start of its hour), and refuses to= and from= with history= with a 400 naming history=', async () => {
    const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
    const week = await get(`/api/cost/forecast?horizon=24h&from=${new Date(currentHour - 7 * 24 * HOUR + 25 * 60_000).toISOString()}`);
    expect(week.status).toBe(200);
    expect(week.body.historyHours).toBe(7 * 24);
    expect(week.body.history[0]!.t).toBe(currentHour - 7 * 24 * HOUR);
    expect((await get(`/api/cost/forecast?from=${currentHour - 10 * 24 * HOUR}`)).body.historyHours).toBe(10 * 24);
    for (const query of [`to=${currentHour}`, `from=${currentHour - 3 * 24 * HOUR}&history=3d`, `from=${currentHour + HOUR}`]) {
      const { status, body } = await get(`/api/cost/forecast?${query}`);
      expect(status, query).toBe(400);
      expect(body.error!.message, query).toMatch(query.startsWith('from=') && !query.includes('history') ? /at least an hour/ : /history=/);
    }
  });

  it('shows the same forecast projection in /api/budgets, with its method; a rolling budget keeps the straight line', async () => {
    const { body } = await get('/api/cost/forecast?horizon=24h');
    const fromForecast = body.budgets.find((b) => b.budgetId === 'monthly')!;
    const response = await g.call('/api/budgets', ROOT_KEY);
    const { data } = (await response.json()) as { data: { id: string; projectedUsd: string; projectionMethod: string; exhaustionAt: string | null }[] };
    const monthly = data.find((b) => b.id === 'monthly')!;
    expect(monthly.projectionMethod).toBe('forecast (mstl)');
    // The same forecast, projected from a `now` a few milliseconds later.
    expect(Math.abs(Number(monthly.projectedUsd) * 1e9 - fromForecast.projectedNanoUsd)).toBeLessThan(1e-3 * fromForecast.projectedNanoUsd);
    expect(monthly.exhaustionAt).toBeNull();
    expect(data.find((b) => b.id === 'last-day')!.projectionMethod).toBe('straight-line');
    const one = (await (await g.call('/api/budgets/monthly', ROOT_KEY)).json()) as { status: { projectionMethod: string } };
    expect(one.status.projectionMethod).toBe('forecast (mstl)');
  });

  it('forecasts requests and tokens too, and a viewer may read it', async () => {
    const requests = await get('/api/cost/forecast?metric=requests&horizon=48h', VIEWER_KEY);
    expect(requests.status).toBe(200);
    expect(requests.body).toMatchObject({ metric: 'requests', model: 'mstl', budgets: [] });
    // One request per project per hour.
    expect(requests.body.points[0]!.mean).toBeGreaterThan(1.5);
    expect(requests.body.points[0]!.mean).toBeLessThan(2.5);
    const tokens = await get('/api/cost/forecast?metric=tokens&horizon=24h&project=web');
    expect(tokens.body.points[0]!.mean).toBeGreaterThan(100);
    expect(tokens.body.points[0]!.mean).toBeLessThan(140);
  });
});
