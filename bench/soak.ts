/**
 * Memory under sustained load: `npm run bench:soak` (SOAK_SECONDS=300 by default, SOAK_SAMPLE_SECONDS=15).
 * Runs the mock provider and Tollgate (budgets, exact + semantic cache, ledger on SQLite) in their own
 * processes and keeps 50 connections busy with a mix of JSON and streamed chat requests, unique
 * prompts (cache misses, so the semantic index and ledger grow) plus repeats (cache hits). Prints
 * the gateway's RSS, heap and semantic-cache size every sample, the RSS slope and the lowest heap
 * seen over the second half of the run (after warm-up): a leak shows as a heap floor that keeps rising.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startGatewayWithMock } from './lib/gateway-with-mock.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const SAMPLE = Number(process.env.SOAK_SAMPLE_SECONDS ?? 15);

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
};

async function main(): Promise<void> {
  const { gateway, stop } = await startGatewayWithMock({
    name: 'soak',
    config: (port, mockUrl) => [
      `server: { port: ${port}, host: 127.0.0.1, anonymous: { org: soak, project: soak } }`,
      'providers:',
      `  mock: { kind: openai-compatible, baseUrl: "${mockUrl}/v1", apiKey: soak, priceProvider: openai }`,
      'models:',
      '  gpt-4o-mini: { target: gpt-4o-mini@mock }',
      'cache: { semantic: { enabled: true, maxEntries: 50000 } }',
      'ledger: { storeBodies: true }',
      'budgets:',
      '  - { id: month, scope: global, period: monthly, limitUsd: 1000000 }',
      '  - { id: day, scope: project, org: soak, value: soak, period: daily, limitUsd: 100000 }',
    ],
  });
  const pid = gateway.process.pid!;
  let counter = 0;
  const samples: Array<{ t: number; rssMb: number; requests: number; heapMb: number }> = [];
  let requests = 0;
  try {
    const started = Date.now();
    console.log(`soak: ${SECONDS}s at 50 connections; gateway pid ${pid}, RSS at start ${rssMb(pid)} MB`);
    while ((Date.now() - started) / 1000 < SECONDS) {
      const options = {
        url: `${gateway.url}/v1/chat/completions`,
        connections: 50,
        duration: SAMPLE,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-tollgate-cache': 'on' },
            setupRequest: (request: Record<string, unknown>) => {
              counter += 1;
              // 70% unique prompts (misses that grow the caches and the ledger), 30% repeats (hits); a third streamed.
              const prompt = counter % 10 < 7 ? `Question ${counter}: how do I tune parameter ${counter % 977} of system ${counter}?` : `How do I tune parameter ${counter % 50}?`;
              return { ...request, body: JSON.stringify({ model: 'gpt-4o-mini', temperature: 0, stream: counter % 3 === 0, messages: [{ role: 'user', content: prompt }] }) };
            },
          },
        ],
      };
      // autocannon's typings omit `requests` with `setupRequest`, which it supports.
      const result = await autocannon(options as unknown as Parameters<typeof autocannon>[0]);
      requests += result.requests.total;
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(metrics)?.[1] ?? 0);
      const megabytes = (name: string) => Math.round(value(name) / 1e6);
      const sample = { t: Math.round((Date.now() - started) / 1000), rssMb: rssMb(pid), requests, heapMb: megabytes('tollgate_process_nodejs_heap_size_used_bytes'), externalMb: megabytes('tollgate_process_nodejs_external_memory_bytes'), semantic: value('tollgate_semantic_cache_entries') };
      samples.push(sample);
      console.log(`t=${String(sample.t).padStart(4)}s  requests ${String(requests).padStart(8)}  ${Math.round(result.requests.average)} req/s  RSS ${sample.rssMb} MB (heap ${sample.heapMb}, external ${sample.externalMb})  semantic entries ${sample.semantic}  errors ${result.errors + result.non2xx}`);
    }
  } finally {
    await stop();
  }
  const half = samples.slice(Math.floor(samples.length / 2));
  const first = half[0]!;
  const last = half.at(-1)!;
  const slope = last.requests > first.requests ? ((last.rssMb - first.rssMb) / (last.requests - first.requests)) * 100_000 : 0;
  console.log(JSON.stringify({ bench: 'soak', seconds: SECONDS, requests, rssStartMb: samples[0]?.rssMb, rssEndMb: last.rssMb, rssMaxMb: Math.max(...samples.map((s) => s.rssMb)), heapFloorSecondHalfMb: Math.min(...half.map((s) => s.heapMb)), secondHalfRssMbPer100kRequests: Math.round(slope * 10) / 10 }));
}

await main();
