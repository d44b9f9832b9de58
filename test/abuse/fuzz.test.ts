import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startHarness, type Harness } from '../support/harness.ts';
import { HostileGenerator, type HostileRequest } from './hostile-requests.ts';

/**
 * Deliverable 3 of issue #10: at least 10,000 seeded hostile requests across both wire formats and
 * every admin route. None may get a 5xx, and every error must be JSON in the caller's envelope.
 * Reproduce a failure with `FUZZ_SEED=<seed> npx vitest run test/abuse/fuzz.test.ts`.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const PARALLEL = 32;

describe(`fuzz: ${COUNT} hostile requests (seed ${SEED})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      mock: { recordRequests: false },
      // The fuzzer is one address: refusals must not turn everything into 429s.
      config: (input) => ({ ...input, cache: { semantic: { enabled: false } }, server: { ...input.server, rejectionRateLimit: { perSecond: 1e6, burst: 1_000_000 } } }),
    });
  });
  afterAll(() => h.close());

  function envelopeProblem(request: HostileRequest, status: number, contentType: string, text: string): string | undefined {
    if (status >= 500) return `status ${status}`;
    if (status < 400) return undefined;
    if (!contentType.includes('application/json')) return `content-type ${contentType}`;
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return 'error body is not JSON';
    }
    if (request.wire === 'anthropic') {
      if (body?.type !== 'error' || typeof body.error?.type !== 'string' || typeof body.error?.message !== 'string') return 'not an Anthropic error envelope';
    } else if (typeof body?.error?.message !== 'string' || typeof body.error.type !== 'string' || !('param' in body.error) || !('code' in body.error)) {
      return 'not an OpenAI error envelope';
    }
    return undefined;
  }

  it('never answers 5xx, and every error is in the caller envelope', async () => {
    const generator = new HostileGenerator(SEED);
    const requests = Array.from({ length: COUNT }, () => generator.next());
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const timing = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        const headers = request.path.startsWith('/api/') ? { ...request.headers, authorization: `Bearer ${ADMIN_KEY}` } : request.headers;
        let problem: string | undefined;
        const started = performance.now();
        try {
          const response = await fetch(`${h.url}${request.path}`, { method: request.method, headers, body: request.body });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          problem = envelopeProblem(request, response.status, response.headers.get('content-type') ?? '', text);
          if (problem) problem += `: ${text.slice(0, 160)}`;
        } catch (error) {
          problem = `transport error ${(error as Error).message}`;
        }
        const kind = request.what.split(' ')[0]!.startsWith('/') ? request.what.split(' ')[0]! : request.what.split(' ').slice(0, 2).join(' ');
        timing.set(kind, (timing.get(kind) ?? 0) + performance.now() - started);
        if (problem && failures.length < 20) failures.push(`#${index} ${request.method} ${request.what}: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log(`fuzz seed ${SEED}: ${COUNT} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    if (process.env.FUZZ_TIMING) console.log([...timing].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${Math.round(v)}`).join(' '));
    expect(failures, `seed ${SEED} (FUZZ_SEED=${SEED} to reproduce)`).toEqual([]);
    // The gateway still serves a plain request afterwards.
    const ok = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] }) });
    expect(ok.status).toBe(200);
  }, 300_000);
});
