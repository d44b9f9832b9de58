/**
 * The request path's per-request pieces timed one by one, this checkout against another
 * (BENCH_BASELINE=<checkout>, e.g. a worktree of main), through the APIs both have: the cache
 * ticket (exact key + semantic view), a cache miss (exact + semantic lookup) and the save after it,
 * the hashed embedding, the inbound reading, the metrics of one request, and the relay of one
 * streamed answer (the mock provider's own bytes for the bench question, replayed as they arrived:
 * transformer, metering and the cache's copy of the answer; `relay-nocache` the same without the
 * cache's copy, as with the cache off or a request it will not save; `anthropic-relay` the same
 * with an Anthropic client and upstream; `xlate-openai` / `xlate-anthropic` a
 * translated stream: an OpenAI client on an Anthropic upstream / an Anthropic client on an OpenAI
 * upstream), budget admission and its settle, and
 * the same with what the budgets learn from each answer (output bounds, input ratios), and the
 * input-token estimate of an agent's requests (`estimate-agent`: a 20 KB system prompt and a
 * conversation resent whole each turn). Each case
 * runs in a fresh process per checkout, alternating checkouts, several times; each reports the least CPU time
 * (process.cpuUsage, not wall time: a shared machine's waiting is not counted) per call over
 * batches, and the best of the runs is kept, so a busy machine inflates both sides alike.
 *
 * `npm run bench:hot-path` (BENCH_BASELINE=<checkout> BENCH_RUNS=3 BENCH_CASES=<case,…>).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Translated streams (`translatedRelayCase`): named by the client's wire. */
const XLATE_CASES = ['xlate-openai', 'xlate-anthropic'] as const;
const CASES = ['ticket', 'miss+save', 'embed', 'inbound', 'metrics', 'relay', 'relay-nocache', 'anthropic-relay', 'meter', 'admit', 'admit+learn', 'estimate-agent', ...XLATE_CASES] as const;
type Case = (typeof CASES)[number];
/** BENCH_CASES=relay,relay-nocache runs only those cases. */
const RUN = process.env.BENCH_CASES ? CASES.filter((name) => process.env.BENCH_CASES!.split(',').includes(name)) : CASES;

const here = path.resolve(import.meta.dirname, '..');

if (process.argv[2] === '--case') await child(process.argv[3] as Case, process.argv[4]!);
else parent();

function parent(): void {
  const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const roots = baseline ? { baseline, now: here } : { now: here };
  const best: Record<string, Record<string, number>> = {};
  for (let run = 0; run < runs; run += 1) {
    for (const name of RUN) {
      for (const [label, root] of Object.entries(roots)) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'bench/hot-path.ts'), '--case', name, root], { cwd: here, encoding: 'utf8' });
        const us = Number(out.trim());
        (best[name] ??= {})[label] = Math.min(best[name]![label] ?? Number.POSITIVE_INFINITY, us);
      }
    }
    console.error(`run ${run + 1}/${runs} done`);
  }
  console.log(`\nCPU µs per call (best of ${runs} runs; each run the least over batches)`);
  console.log(`${'case'.padEnd(16)} ${baseline ? 'baseline'.padStart(10) : ''} ${'now'.padStart(10)} ${baseline ? 'now/baseline'.padStart(14) : ''}`);
  for (const name of RUN) {
    const row = best[name]!;
    console.log(`${name.padEnd(16)} ${baseline ? row.baseline!.toFixed(2).padStart(10) : ''} ${row.now!.toFixed(2).padStart(10)} ${baseline ? (row.now! / row.baseline!).toFixed(2).padStart(14) : ''}`);
  }
  console.log(JSON.stringify({ bench: 'hot-path', runs, cpuUsPerCall: best }));
}

/** Least CPU µs per call of `fn` over `batches` batches of `size` calls, after a warm-up. */
async function leastCpu(fn: () => unknown, size: number, batches: number): Promise<number> {
  for (let index = 0; index < size * 3; index += 1) await fn();
  let least = Number.POSITIVE_INFINITY;
  for (let batch = 0; batch < batches; batch += 1) {
    const start = process.cpuUsage();
    for (let index = 0; index < size; index += 1) await fn();
    const spent = process.cpuUsage(start);
    least = Math.min(least, (spent.user + spent.system) / size);
  }
  return least;
}

async function child(name: Case, root: string): Promise<void> {
  const load = (file: string) => import(path.join(root, file));
  let n = 0;
  // The bench:overhead question shape: a system prompt and a different user question each time.
  const body = () => {
    n += 1;
    return { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'system', content: 'You answer briefly.' }, { role: 'user', content: `Summarise the plot of play ${n % 97} in two sentences? (request j${n.toString(36)})` }] };
  };
  const principal = { keyId: undefined, orgId: 'bench', projectId: 'bench', userId: undefined, tags: [] };
  const request = () => ({ id: `r${n}`, receivedAtMs: 0, wire: 'openai', operation: 'chat', body: body(), headers: {}, principal, signal: undefined });
  let us: number;
  if (name === 'ticket' || name === 'miss+save') {
    const { ResponseCache } = await load('src/cache/response-cache.ts');
    const { createMemoryExactStore } = await load('src/cache/exact-store.ts');
    const { SemanticCache } = await load('src/cache/semantic/semantic-cache.ts');
    const { createHashedEmbedder } = await load('src/language/embedder.ts');
    const semantic = new SemanticCache(createHashedEmbedder(), undefined, { threshold: 0.9, ttlMs: 3_600_000, maxEntries: 50_000, now: Date.now });
    const cache = new ResponseCache(createMemoryExactStore(64 * 1024 * 1024), { ttlMs: 3_600_000 }, semantic);
    const answer = { body: '{"text":"An answer."}', wire: 'neutral', servedModel: 'gpt-4o-mini', provider: 'mock', costNanoUsd: 1_000, inputTokens: 20, outputTokens: 10, createdAtMs: 0 };
    us =
      name === 'ticket'
        ? await leastCpu(() => cache.ticket(request()), 500, 20)
        : await leastCpu(async () => {
            const ticket = cache.ticket(request());
            if (await cache.lookup(ticket)) throw new Error('the benchmark question was answered from the cache');
            cache.save(ticket, answer);
          }, 200, 20);
  } else if (name === 'embed') {
    const { createHashedEmbedder } = await load('src/language/embedder.ts');
    const embedder = createHashedEmbedder();
    us = await leastCpu(() => embedder.embed((body().messages[1] as { content: string }).content), 500, 20);
  } else if (name === 'inbound') {
    const { inboundOf } = await load('src/domain/inbound.ts');
    us = await leastCpu(() => {
      const reading = inboundOf(request());
      return reading.model.length + Number(reading.stream) + reading.lastUserText.length;
    }, 2_000, 20);
  } else if (name === 'relay' || name === 'relay-nocache' || name === 'anthropic-relay') {
    us = await relayCase(load, body, name !== 'relay-nocache', name === 'anthropic-relay' ? 'anthropic' : 'openai');
  } else if (name === 'xlate-openai' || name === 'xlate-anthropic') {
    us = await translatedRelayCase(load, body, name === 'xlate-openai' ? 'openai' : 'anthropic');
  } else if (name === 'meter') {
    us = await meterCase(load, request);
  } else if (name === 'admit' || name === 'admit+learn') {
    us = await admitCase(load, request, name === 'admit+learn');
  } else if (name === 'estimate-agent') {
    us = await estimateAgentCase(load);
  } else {
    const { createGatewayMetrics } = await load('src/metrics/gateway-metrics.ts');
    const { createUsage } = await load('src/domain/usage.ts');
    const metrics = createGatewayMetrics({ defaultMetrics: false });
    const observation = { operation: 'chat', provider: 'mock', model: 'gpt-4o-mini', project: 'bench', status: 200, stream: false, cache: 'miss', durationMs: 3, ttftMs: null, usage: createUsage({ inputTotal: 30, outputTotal: 20 }), costNanoUsd: 1_234, savedNanoUsd: 0, priced: true, estimated: false, errorCode: null };
    us = await leastCpu(() => metrics.observeRequest(observation), 2_000, 20);
  }
  console.log(us.toFixed(3));
}

/**
 * One streamed answer through the relay (`relayStream`, the same input in either checkout): the
 * upstream reads are the mock provider's real answer to the bench question, as they arrived,
 * replayed from memory; metering goes to a sink that drops the row, and (`withCache`) the cache's
 * copy is taken (and handed to a cache that keeps nothing) after the stream, as in the gateway.
 */
async function relayCase(load: (file: string) => Promise<Record<string, any>>, body: () => Record<string, unknown>, withCache: boolean, wire: 'openai' | 'anthropic'): Promise<number> {
  const { relayStream } = await load('src/pipeline/relay-stream.ts');
  const { startMockProvider } = await load('src/mock-provider/index.ts');
  const anthropic = wire === 'anthropic';
  // An Anthropic client's body: the system prompt on its own, max_tokens required.
  const wireBody = (): Record<string, any> => {
    const openAi = body() as { model: string; messages: Array<{ role: string; content: string }> };
    return anthropic ? { model: 'claude-sonnet-4-5', max_tokens: 256, system: openAi.messages[0]!.content, messages: openAi.messages.slice(1) } : openAi;
  };
  const mock = await startMockProvider({});
  let reads: Buffer[];
  try {
    const upstreamBody = anthropic ? { ...wireBody(), stream: true } : { ...wireBody(), stream: true, stream_options: { include_usage: true } };
    const response = await fetch(`${mock.url}/v1/${anthropic ? 'messages' : 'chat/completions'}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(upstreamBody) });
    reads = [];
    for await (const chunk of response.body!) reads.push(Buffer.from(chunk as Uint8Array));
  } finally {
    await mock.close();
  }
  const adapter = anthropic ? (await load('src/providers/anthropic/adapter.ts')).createAnthropicAdapter() : (await load('src/providers/openai/adapter.ts')).createOpenAiAdapter('openai');
  const provider = anthropic
    ? { kind: 'anthropic', baseUrl: 'http://127.0.0.1:1', apiKey: 'bench', priceProvider: 'anthropic' }
    : { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'bench', priceProvider: 'openai' };
  const model = anthropic ? 'claude-sonnet-4-5' : 'gpt-4o-mini';
  const operation = anthropic ? 'messages' : 'chat';
  const call = (requestBody: Record<string, any>) => ({ operation, clientWire: wire, body: requestBody, upstreamModel: model, stream: true, clientWantsStreamUsage: false, provider, clientHeaders: {} });
  return timeRelay(relayStream, { wire, operation, body: () => ({ ...wireBody(), stream: true }), call, target: { providerId: 'mock', provider, upstreamModel: model }, adapter, reads, withCache });
}

/**
 * CPU per streamed answer relayed by `relayStream` from recorded upstream reads replayed from
 * memory: metering goes to a sink that drops the row, and (`withCache`) the cache's copy is taken
 * (handed to a cache that keeps nothing) on the next turn of the event loop, as in the gateway.
 */
async function timeRelay(
  relayStream: (input: Record<string, unknown>) => { stream: AsyncIterable<Uint8Array> },
  input: { wire: string; operation: string; body: () => Record<string, any>; call: (body: Record<string, any>) => Record<string, unknown>; target: Record<string, unknown>; adapter: unknown; reads: Buffer[]; withCache: boolean },
): Promise<number> {
  const { wire, operation, target, adapter, reads, withCache } = input;
  const cost = { inputNanoUsd: 1_000, outputNanoUsd: 2_000, totalNanoUsd: 3_000, priced: true, source: 'catalogue' };
  let saved = 0;
  const deps = {
    config: { ledger: { storeBodies: false } },
    priceBook: { cost: () => cost },
    now: Date.now,
    meterSink: { settled() {} },
    metrics: { observeUpstreamError() {} },
    ledger: { whenDurable: () => Promise.resolve() },
    cache: {
      willSave: () => withCache,
      save() {
        saved += 1;
      },
    },
  };
  const principal = { keyId: undefined, orgId: 'bench', projectId: 'bench', userId: undefined, tags: [] };
  const fn = async () => {
    const request = { id: 'r', receivedAtMs: Date.now(), wire, operation, body: input.body(), headers: {}, principal, signal: undefined, cache: { key: 'k', mode: 'normal' } };
    const response = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: (async function* () {
        for (const read of reads) yield read;
      })(),
      text: async () => '',
      dump: async () => {},
    };
    const result = relayStream({ request, deps, target, adapter, call: input.call(request.body), response });
    let bytes = 0;
    for await (const piece of result.stream) bytes += piece.length;
    // The cache's copy is read on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    return bytes;
  };
  const us = await leastCpu(fn, 200, 20);
  if (withCache && saved === 0) throw new Error('the relay kept no copy of the answer for the cache');
  if (!withCache && saved !== 0) throw new Error('the relay kept a copy of the answer with the cache off');
  return us;
}

/**
 * One translated streamed answer through the relay, as `relayCase` (cache's copy taken): a client
 * of one wire on an upstream of the other (`clientWire` openai: an Anthropic upstream). The upstream
 * reads are the mock provider's real answer to the request the adapter builds for the bench
 * question, as they arrived, replayed from memory.
 */
async function translatedRelayCase(load: (file: string) => Promise<Record<string, any>>, body: () => Record<string, unknown>, clientWire: 'openai' | 'anthropic'): Promise<number> {
  const { relayStream } = await load('src/pipeline/relay-stream.ts');
  const { startMockProvider } = await load('src/mock-provider/index.ts');
  const upstreamAnthropic = clientWire === 'openai';
  const clientBody = (): Record<string, any> => {
    const openAi = body() as { model: string; messages: Array<{ role: string; content: string }> };
    return clientWire === 'anthropic' ? { model: 'claude-sonnet-4-5', max_tokens: 256, system: openAi.messages[0]!.content, messages: openAi.messages.slice(1), stream: true } : { ...openAi, stream: true };
  };
  const adapter = upstreamAnthropic ? (await load('src/providers/anthropic/adapter.ts')).createAnthropicAdapter() : (await load('src/providers/openai/adapter.ts')).createOpenAiAdapter('openai');
  const mock = await startMockProvider({});
  const provider = upstreamAnthropic
    ? { kind: 'anthropic', baseUrl: mock.url, apiKey: 'bench', priceProvider: 'anthropic', headers: {} }
    : { kind: 'openai-compatible', baseUrl: `${mock.url}/v1`, apiKey: 'bench', priceProvider: 'openai', headers: {} };
  const model = upstreamAnthropic ? 'claude-sonnet-4-5' : 'gpt-4o-mini';
  const operation = clientWire === 'anthropic' ? 'messages' : 'chat';
  const callOf = (requestBody: Record<string, any>) => ({ operation, clientWire, body: requestBody, upstreamModel: model, stream: true, clientWantsStreamUsage: false, provider, clientHeaders: {} });
  let reads: Buffer[];
  try {
    const built = adapter.buildRequest(callOf(clientBody()));
    const response = await fetch(`${provider.baseUrl}${built.path}`, { method: built.method, headers: { 'content-type': 'application/json' }, body: built.body });
    if (response.status !== 200) throw new Error(`the mock provider answered ${response.status}`);
    reads = [];
    for await (const chunk of response.body!) reads.push(Buffer.from(chunk as Uint8Array));
  } finally {
    await mock.close();
  }
  return timeRelay(relayStream, { wire: clientWire, operation, body: clientBody, call: callOf, target: { providerId: 'mock', provider, upstreamModel: model }, adapter, reads, withCache: true });
}

/**
 * Metering one served JSON answer (`meter`): priced by the bundled catalogue's price book, the row
 * handed to the ledger's sink (a writer that keeps the row, as the batch queue does, without the
 * journal's or the store's I/O) and to the metrics; the price book's rates read as the context
 * check does. The request is read once before (as the pipeline has by then).
 */
async function meterCase(load: (file: string) => Promise<Record<string, any>>, request: () => Record<string, any>): Promise<number> {
  const { meter } = await load('src/pipeline/meter.ts');
  const { fanOut, ledgerSink, metricsSink } = await load('src/pipeline/meter-sink.ts');
  const { createPriceBook } = await load('src/pricing/genai-price-book.ts');
  const { loadBundledCatalogue } = await load('src/pricing/bundled-catalogue.ts');
  const { createGatewayMetrics } = await load('src/metrics/gateway-metrics.ts');
  const { createUsage } = await load('src/domain/usage.ts');
  const { inboundOf } = await load('src/domain/inbound.ts');
  let kept: unknown[] = [];
  const ledger = { write: (record: unknown) => (kept.length >= 500 ? (kept = [record]) : kept.push(record)), whenDurable: () => Promise.resolve() };
  const priceBook = createPriceBook({ catalogue: loadBundledCatalogue() });
  const deps = { config: { ledger: { storeBodies: false } }, priceBook, now: Date.now, meterSink: fanOut([ledgerSink(ledger), metricsSink(createGatewayMetrics({ defaultMetrics: false }))]) };
  const target = { providerId: 'openai', provider: { kind: 'openai' }, upstreamModel: 'gpt-4o-mini' };
  const query = { model: 'gpt-4o-mini', providerId: 'openai', priceProviderId: 'openai', timeMs: Date.now() };
  const responseBody = { id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'A prince avenges his father. Everyone dies.' }, finish_reason: 'stop' }] };
  return leastCpu(() => {
    const pipelineRequest = { ...request(), receivedAtMs: Date.now() };
    inboundOf(pipelineRequest).lastUserText;
    priceBook.rates(query);
    const usage = createUsage({ inputTotal: 30, outputTotal: 20 });
    return meter(pipelineRequest, { target, servedModel: 'gpt-4o-mini', usage, estimated: false, status: 200, errorCode: null, ttftMs: null, stream: false, responseBody, finishReason: 'stop' }, deps);
  }, 1_000, 20);
}

/**
 * Budget admission of one request and its settle, built as the runtime builds it with in-process
 * counters and the bench:overhead config's two budgets (global monthly, the bench project's daily),
 * large enough never to refuse. Each request is a new body, so its token estimate is counted too.
 * The settles' bookkeeping runs on later turns of the event loop, as in the gateway. With `learn`
 * (`admit+learn`), each answer also teaches the budgets its output length and input ratio before
 * the settle, as the meter does in the gateway, so the learnt bounds are in use and kept up to date.
 */
async function admitCase(load: (file: string) => Promise<Record<string, any>>, request: () => Record<string, any>, learn = false): Promise<number> {
  const { parseConfig } = await load('src/config/load.ts');
  const { BudgetEnforcer } = await load('src/budgets/enforcer.ts');
  const { createMemoryCounters } = await load('src/budgets/counters/memory.ts');
  const { createPriceBook } = await load('src/pricing/genai-price-book.ts');
  const { loadBundledCatalogue } = await load('src/pricing/bundled-catalogue.ts');
  const config = parseConfig(
    {
      providers: { mock: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'bench', priceProvider: 'openai' } },
      models: { 'gpt-4o-mini': { target: 'gpt-4o-mini@mock' } },
      budgets: [
        { id: 'global-month', scope: 'global', period: 'monthly', limitUsd: 1_000_000 },
        { id: 'bench-day', scope: 'project', org: 'bench', value: 'bench', period: 'daily', limitUsd: 100_000 },
      ],
    },
    {},
  );
  const providerKinds = { mock: 'openai-compatible' };
  const priceBook = createPriceBook({ catalogue: loadBundledCatalogue(), overrides: config.pricing.overrides, providerKinds });
  const enforcer = new BudgetEnforcer({ config, priceBook, counters: createMemoryCounters(), ledger: {}, alerts: { raise: async () => undefined }, now: Date.now, log: () => undefined });
  enforcer.setStoredBudgets([]);
  const target = { providerId: 'mock', provider: config.providers.mock, upstreamModel: 'gpt-4o-mini' };
  const chain = [target];
  let admitted = 0;
  const us = await leastCpu(async () => {
    const req = request();
    const admission = await enforcer.admit(req, chain, () => chain);
    if (!admission.grant) throw new Error('no budget applied to the bench request');
    const record = { status: 200, timeMs: Date.now(), provider: 'mock', costNanoUsd: 1_234, inputTokens: 20 + (admitted % 7), outputTokens: 10 + (admitted % 13), estimated: false };
    if (learn) enforcer.observeAnswer(target.upstreamModel, req, record);
    admission.grant.settle(record);
    admitted += 1;
    await new Promise((resolve) => setImmediate(resolve));
  }, 500, 20);
  if (admitted === 0) throw new Error('nothing was admitted');
  return us;
}

/**
 * The input-token estimate (`estimateInputTokens`, which budget admission and routing run on every
 * request) of an agent's traffic (`estimate-agent`): four conversations in turn, each request a
 * fresh parse of the same 20 KB system prompt plus the whole history so far (a new user message
 * of about 300 characters and an answer of about 1,500 each turn), restarted after 20 turns, so
 * the joined text stays under the exact-count limit (at most about 58 K characters).
 */
async function estimateAgentCase(load: (file: string) => Promise<Record<string, any>>): Promise<number> {
  const { estimateInputTokens } = await load('src/domain/estimate.ts');
  let seed = 12_345;
  const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const words = ['the', 'agent', 'must', 'call', 'tools', 'when', 'a', 'file', 'is', 'needed;', 'never', 'guess', 'paths.', 'Return', 'JSON', 'with', 'fields', '`status`', 'and', 'result', 'of', 'each', 'step', '(see', 'below).', 'Budget:', '1,200', 'tokens', 'per', 'answer.', 'Use', 'Markdown', 'headings', 'lists', 'code', 'blocks', 'sparingly.'];
  const prose = (chars: number, id: string) => {
    let out = `${id}: `;
    while (out.length < chars) out += random() < 0.04 ? '\n\n- ' : `${words[Math.floor(random() * words.length)]!} `;
    return out.trimEnd();
  };
  const system = prose(20_000, 'System');
  const sessions = Array.from({ length: 4 }, () => [] as Array<{ role: string; content: string }>);
  const calls = 50 * (3 + 10);
  const bodies = Array.from({ length: calls }, (_, call) => {
    const history = sessions[call % 4]!;
    if (history.length >= 40) history.length = 0;
    history.push({ role: 'user', content: prose(300, `Turn ${call}`) }, { role: 'assistant', content: prose(1_500, `Answer ${call}`) });
    // Each request's strings are its own, as after JSON.parse in the gateway.
    return JSON.parse(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: system }, ...history.slice(0, -1)] })) as Record<string, unknown>;
  });
  let next = 0;
  let tokens = 0;
  const us = await leastCpu(() => (tokens += estimateInputTokens(bodies[next++ % calls]!)), 50, 10);
  if (tokens === 0) throw new Error('nothing was counted');
  return us;
}
