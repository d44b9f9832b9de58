import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForecastPool } from '../../src/analytics/forecast/forecast-pool.ts';
import { inProcessRunner, type ForecastRunner } from '../../src/analytics/forecast/forecast-task.ts';
import { ROOT_KEY, startAccessGateway, type AccessGateway } from '../access/gateway.ts';
import { ledgerRecord } from '../support/ledger-records.ts';

const HOUR = 3_600_000;

/**
 * A by-project forecast of a large ledger (eight weeks of 30 projects) through the real gateway
 * while a chat completion goes through it too (the official OpenAI client, the mock upstream): on
 * the forecast worker the chat answers while the fits run; in process (the contrast that shows the
 * test can fail) the chat waits for them. Both answer the same forecast.
 */
describe('forecast fits off the event loop', () => {
  let g: AccessGateway;
  let pool: ForecastPool;
  const chat = () => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'placeholder', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello while a forecast runs' }] });
  const forecast = async () => {
    // A new fit each time (the gateway keeps forecasts per closed hour otherwise).
    const response = await g.call('/api/cost/forecast?by=project&history=56d&horizon=30d&backtest=true', ROOT_KEY, { headers: { 'cache-control': 'no-cache' } });
    expect(response.status).toBe(200);
    return (await response.json()) as { model: string; parts: unknown[]; points: { t: number }[] };
  };

  beforeAll(async () => {
    g = await startAccessGateway();
    pool = g.server.gateway.runtime.forecasts as ForecastPool;
    const currentHour = Math.floor(Date.now() / HOUR) * HOUR;
    const records = [];
    for (let h = 56 * 24; h >= 1; h--) {
      const timeMs = currentHour - h * HOUR + 60_000;
      const hour = new Date(timeMs).getUTCHours();
      for (let p = 0; p < 30; p++) {
        const cost = Math.round((p + 1) * 1e5 * (1.1 + Math.sin((hour / 24) * 2 * Math.PI)));
        records.push(ledgerRecord({ timeMs, projectId: `project-${p}`, costNanoUsd: cost, inputCostNanoUsd: cost, outputCostNanoUsd: 0 }));
      }
    }
    await g.server.gateway.runtime.ledger.append(records);
  }, 120_000);
  afterAll(() => g?.close());

  it('answers a chat request while the forecast worker fits, with the same forecast as in process', { timeout: 180_000 }, async () => {
    const order: string[] = [];
    const running = forecast().then((body) => {
      order.push('forecast');
      return body;
    });
    // Wait until the worker is fitting this forecast, then send the chat.
    while (!pool.busy) await new Promise((resolve) => setTimeout(resolve, 2));
    const answer = await chat();
    order.push('chat');
    expect(answer.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(pool.busy).toBe(true);
    const inWorker = await running;
    expect(order).toEqual(['chat', 'forecast']);
    expect(inWorker.model).toBe('mstl');
    expect(inWorker.parts).toHaveLength(13);

    // The contrast: the same forecast in process blocks the chat until the fits are done.
    const runtime = g.server.gateway.runtime;
    let fitsDoneAt = 0;
    let chatDoneAt = 0;
    let chatting: Promise<unknown> | undefined;
    const inProcess: ForecastRunner = {
      run(task) {
        chatting = chat().then(() => (chatDoneAt = performance.now()));
        const result = inProcessRunner.run(task);
        fitsDoneAt = performance.now();
        return result;
      },
    };
    runtime.forecasts = inProcess;
    try {
      const sameInProcess = await forecast();
      await chatting;
      expect(chatDoneAt).toBeGreaterThan(fitsDoneAt);
      // The same hour's forecast on both sides (an hour boundary between the two calls would move it).
      if (sameInProcess.points[0]!.t === inWorker.points[0]!.t) expect(sameInProcess).toEqual(inWorker);
    } finally {
      runtime.forecasts = pool;
    }
  });

  it('shuts the worker down with the gateway', async () => {
    expect(pool.started).toBe(true);
    await g.server.close();
    expect(pool.started).toBe(false);
    await expect(pool.run({ kind: 'series', history: new Float64Array(4), horizonHours: 1 })).rejects.toThrow(/shut down/);
  });
});
