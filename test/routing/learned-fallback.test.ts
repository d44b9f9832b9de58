import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { ClientRequest } from '../../src/domain/request.ts';
import { loadBundledCatalogue } from '../../src/pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../src/pricing/genai-price-book.ts';
import { serialize, trainRouter } from '../../src/routing/learned/model.ts';
import { Router } from '../../src/routing/router.ts';

/** A learned route without its artefact routes by its fallback rule, warns, and picks the artefact up once it exists. */
describe('learned route fallback rule', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-learned-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const build = (rule: 'strong' | 'weak' | 'length' | undefined, artefact: string) => {
    let nowMs = 1_000_000;
    const config = parseConfig(
      {
        providers: { openai: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' } },
        models: { strong: { target: 'gpt-4o@openai' }, weak: { target: 'gpt-4o-mini@openai' } },
        routes: { smart: { strategy: 'learned', strong: 'strong', weak: 'weak', artefact, ...(rule && { fallbackRule: rule }), fallbackLengthTokens: 20 } },
      },
      {},
    );
    const priceBook = createPriceBook({ catalogue: loadBundledCatalogue(), localNodes: undefined, providerKinds: { openai: 'openai' } });
    const router = new Router(config, priceBook, () => nowMs);
    return { router, advance: (ms: number) => (nowMs += ms) };
  };
  const request = (content: string): ClientRequest => ({
    id: 'r',
    receivedAtMs: 0,
    wire: 'openai',
    operation: 'chat',
    body: { model: 'smart', messages: [{ role: 'user', content }] },
    headers: {},
    principal: { keyId: undefined, orgId: 'o', projectId: 'p', userId: undefined, tags: [], allow: { project: true, user: true, tags: true } },
    signal: undefined,
  });

  it('defaults to strong; weak and length do what they say; the warning names the rule and the command', () => {
    const missing = path.join(dir, 'missing.json');
    expect(build(undefined, missing).router.route(request('hi'))?.summary).toMatch(/^learned:strong fallback-rule=strong/);
    expect(build('weak', missing).router.route(request('hi'))?.summary).toMatch(/^learned:weak fallback-rule=weak/);
    const length = build('length', missing).router;
    expect(length.route(request('hi'))?.summary).toMatch(/^learned:weak fallback-rule=length/);
    expect(length.route(request('please explain '.repeat(30)))?.summary).toMatch(/^learned:strong fallback-rule=length/);
    expect(length.startupWarnings()).toEqual([expect.stringMatching(/route 'smart' \(learned\): artefact .*missing\.json does not exist; .*'length \(>= 20 input tokens go strong\)'.*tollgate router train --data/)]);
  });

  it('an unreadable artefact is a warning too, and one trained later is used once it is re-checked (10 s)', () => {
    const file = path.join(dir, 'later.json');
    writeFileSync(file, 'not json');
    const { router, advance } = build('weak', file);
    expect(router.startupWarnings()[0]).toMatch(/is unreadable/);
    expect(router.route(request('hi'))?.summary).toMatch(/fallback-rule=weak/);
    const model = trainRouter([
      { prompt: 'prove the theorem step by step', label: 1 },
      { prompt: 'say hello', label: 0 },
    ]);
    writeFileSync(file, serialize(model));
    advance(5_000);
    expect(router.route(request('hi'))?.summary).toMatch(/fallback-rule=weak/);
    advance(6_000);
    expect(router.route(request('hi'))?.summary).toMatch(/^learned:\w+ p=\d\.\d{3}\/t=/);
    expect(router.startupWarnings()).toEqual([]);
  });
});
