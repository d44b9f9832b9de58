import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

/**
 * The stream relay forwards upstream reads as they come (byte searches, no parse) and reads them
 * afterwards: whatever way the upstream's bytes are cut into reads, the client gets exactly the
 * upstream's events (less the usage chunk it did not ask for), and the ledger the exact usage.
 */
const chunk = (choices: unknown[], usage: unknown = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-relay', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices, usage })}\n\n`;
const CONTENT = ['The "usage": key', ' and {"error": …}', ' inside text are', ' only text.'];
const USAGE = { prompt_tokens: 17, completion_tokens: 11, total_tokens: 28 };
const EVENTS = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
  ...CONTENT.map((piece) => chunk([{ index: 0, delta: { content: piece }, finish_reason: null }])),
  chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
  chunk([], USAGE),
  'data: [DONE]\n\n',
];
const WHOLE = EVENTS.join('');
const WITHOUT_USAGE = EVENTS.filter((_, index) => index !== EVENTS.length - 2).join('');

/** How the upstream cuts its bytes into writes (each flushed on its own, a few ms apart). */
const PLANS: Record<string, (text: string) => string[]> = {
  'one read': (text) => [text],
  'one read per event': () => EVENTS,
  'cut inside the "usage" key': (text) => {
    const at = text.lastIndexOf('"usage":{') + 4;
    return [text.slice(0, at), text.slice(at)];
  },
  'cut between the two line feeds': (text) => {
    const at = text.indexOf('\n\n') + 1;
    return [text.slice(0, at), text.slice(at)];
  },
  'every 7 bytes': (text) => Array.from({ length: Math.ceil(text.length / 7) }, (_, index) => text.slice(index * 7, index * 7 + 7)),
  'usage and [DONE] with the finish chunk': () => [EVENTS.slice(0, 5).join(''), EVENTS.slice(5).join('')],
};

let upstream: Server;
let h: Harness;
let plan = PLANS['one read']!;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.socket?.setNoDelay(true);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of plan(WHOLE)) {
        res.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  h = await startHarness({
    config: (input) => ({
      ...input,
      providers: { ...input.providers, replay: { kind: 'openai-compatible', baseUrl: `http://127.0.0.1:${port}/v1`, priceProvider: 'openai' } },
      models: { ...input.models, relayed: { target: 'gpt-4o-mini@replay' } },
    }),
  });
});

afterAll(async () => {
  await h?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

async function streamOnce(includeUsage: boolean): Promise<{ text: string; headers: Record<string, unknown> }> {
  const body = { model: 'relayed', stream: true, messages: [{ role: 'user', content: 'hi' }], ...(includeUsage ? { stream_options: { include_usage: true } } : {}) };
  const response = await request(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.statusCode).toBe(200);
  return { text: await response.body.text(), headers: response.headers };
}

describe('stream relay: the bytes the client gets, however the upstream cuts them', () => {
  for (const [name, cut] of Object.entries(PLANS)) {
    it(`${name}: events byte for byte, usage chunk only when asked, exact usage in the ledger`, async () => {
      plan = cut;
      for (const includeUsage of [false, true]) {
        const { text } = await streamOnce(includeUsage);
        const [events, cost] = [text.slice(0, text.lastIndexOf(': x-tollgate-cost-usd')), text.slice(text.lastIndexOf(': x-tollgate-cost-usd'))];
        expect(events).toBe(includeUsage ? WHOLE : WITHOUT_USAGE);
        expect(cost).toMatch(/^: x-tollgate-cost-usd \d+\.\d+\n\n$/);
        const row = (await h.ledger()).at(-1)!;
        expect(row).toMatchObject({ provider: 'replay', servedModel: 'gpt-4o-mini-2024-07-18', inputTokens: 17, outputTokens: 11, estimated: false, status: 200, stream: true });
        expect(row.ttftMs).not.toBeNull();
      }
    });
  }

  it('the official SDK reads the relayed stream whole', async () => {
    plan = PLANS['every 7 bytes']!;
    const openai = h.openai();
    const stream = await openai.chat.completions.create({ model: 'relayed', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe(CONTENT.join(''));
  });
});
