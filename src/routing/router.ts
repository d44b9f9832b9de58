import { readFileSync } from 'node:fs';
import type { RouteConfig, TollgateConfig } from '../config/schema.ts';
import { GatewayError } from '../domain/errors.ts';
import { inboundOf } from '../domain/inbound.ts';
import type { LedgerRecord } from '../ledger/record.ts';
import { deserialize, predict, type RouterModel } from './learned/model.ts';
import { outputBound } from '../pricing/worst-case.ts';
import type { ClientRequest, Target } from '../domain/request.ts';
import type { PriceBook } from '../pricing/price-book.ts';
import { buildCatalogue, targetKey, type CatalogueEntry } from './catalogue.ts';
import { CircuitBreaker, type BreakerView } from './circuit-breaker.ts';
import { selectRoute, type RouteSelection, type RouteNeed, type RouteState } from './select.ts';
import { QualityStats } from './quality-stats.ts';
import { TargetStats } from './target-stats.ts';
import { ownEntry } from '../domain/own-entry.ts';
import { classifyTask } from '../language/task-class.ts';
import { applyTaskRules } from './task-rules.ts';

const BUILT_IN_PREFIX = 'tollgate/';

/**
 * The stateful side of routing: the catalogue (cached for a second), measured target health, the
 * circuit breakers and in-flight counts. Decisions themselves are `selectRoute` (pure).
 */
export class Router {
  readonly stats = new TargetStats();
  readonly quality = new QualityStats();
  readonly breaker: CircuitBreaker;
  private readonly inFlight = new Map<string, number>();
  private readonly learned = new Map<string, { model: RouterModel | undefined; problem: string | undefined; checkedAtMs: number }>();
  private catalogue: { entries: CatalogueEntry[]; builtAtMs: number } | undefined;

  constructor(
    private readonly config: TollgateConfig,
    private readonly priceBook: PriceBook,
    private readonly now: () => number,
  ) {
    this.breaker = new CircuitBreaker(config.routing.breakerThreshold, config.routing.breakerCooldownMs);
  }

  entries(): CatalogueEntry[] {
    const now = this.now();
    if (!this.catalogue || now - this.catalogue.builtAtMs > 1_000) this.catalogue = { entries: buildCatalogue(this.config, this.priceBook, this.stats, now, this.quality), builtAtMs: now };
    return this.catalogue.entries;
  }

  /** The route a model name asks for: a configured route, or `tollgate/<route or strategy>`; undefined for plain models. */
  routeFor(model: string): { name: string; route: RouteConfig } | undefined {
    const configured = ownEntry(this.config.routes, model);
    if (configured) return { name: model, route: configured };
    if (!model.startsWith(BUILT_IN_PREFIX)) return undefined;
    const name = model.slice(BUILT_IN_PREFIX.length);
    const named = ownEntry(this.config.routes, name);
    if (named) return { name, route: named };
    const strategy = name === 'auto' ? 'balanced' : name;
    if (!['cheapest', 'fastest', 'balanced', 'quality-first', 'local-first'].includes(strategy)) return undefined;
    return { name, route: { strategy: strategy as RouteConfig['strategy'], localContextThreshold: 4096, localMaxInFlight: 32, fallbackRule: 'strong', fallbackLengthTokens: 500 } };
  }

  /** Routes a request whose model names a route (or that asks for a strategy in `x-tollgate-strategy`); undefined otherwise. */
  route(request: ClientRequest): RouteSelection | undefined {
    const model = inboundOf(request).model;
    const header = request.headers['x-tollgate-strategy'];
    const found = this.routeFor(model) ?? (header ? this.routeFor(`${BUILT_IN_PREFIX}${header}`) : undefined);
    if (!found) return undefined;
    const all = this.entries();
    const entries = found.route.candidates ? all.filter((entry) => found.route.candidates!.includes(entry.alias)) : all;
    const now = this.now();
    let learned: RouteState['learned'];
    if (found.route.strategy === 'learned') {
      const { model } = this.loadLearned(found.route);
      learned = model
        ? { probability: predict(model, inboundOf(request).lastUserText), threshold: found.route.threshold ?? model.threshold }
        : fallbackRuleDecision(found.route, inboundOf(request).inputTokens);
    }
    const selection = selectRoute(found.name, found.route, entries, needOf(request), {
      breakerOpen: (key) => this.breaker.isOpen(key, now),
      inFlight: (key) => this.inFlight.get(key) ?? 0,
      learned,
    });
    return found.route.taskRules?.length ? applyTaskRules(selection, found.route.taskRules, classifyTask(inboundOf(request).lastUserText).taskClass) : selection;
  }

  /** The trained router of a `learned` route (for batch planning); a clear 400 while its artefact is missing. */
  learnedModel(name: string, route: RouteConfig): RouterModel {
    const { model, problem } = this.loadLearned(route);
    if (!model) throw new GatewayError('invalid_request', `route '${name}' (learned) has no usable artefact: ${problem}; train one with \`tollgate router train\``);
    return model;
  }

  /**
   * A learned route's artefact, loaded once; while it is missing or unreadable the reason, and the
   * file is looked at again at most every 10 s (so an artefact trained after start-up is picked up).
   */
  loadLearned(route: RouteConfig): { model: RouterModel | undefined; problem: string | undefined } {
    const file = route.artefact;
    if (!file) return { model: undefined, problem: 'no artefact configured' };
    const now = this.now();
    const cached = this.learned.get(file);
    if (cached && (cached.model || now - cached.checkedAtMs < 10_000)) return cached;
    let entry: { model: RouterModel | undefined; problem: string | undefined; checkedAtMs: number };
    try {
      entry = { model: deserialize(readFileSync(file, 'utf8')), problem: undefined, checkedAtMs: now };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      entry = { model: undefined, problem: code === 'ENOENT' ? `artefact ${file} does not exist` : `artefact ${file} is unreadable (${(error as Error).message.slice(0, 200)})`, checkedAtMs: now };
    }
    this.learned.set(file, entry);
    return entry;
  }

  /** One line per learned route that cannot load its artefact, for the start-up log. */
  startupWarnings(): string[] {
    const warnings: string[] = [];
    for (const [name, route] of Object.entries(this.config.routes)) {
      if (route.strategy !== 'learned') continue;
      const { problem } = this.loadLearned(route);
      if (!problem) continue;
      const rule = route.fallbackRule === 'length' ? `length (>= ${route.fallbackLengthTokens} input tokens go strong)` : route.fallbackRule;
      warnings.push(
        `warning: route '${name}' (learned): ${problem}; it routes by its fallback rule '${rule}' until one is trained ` +
          `(tollgate router train --data labelled.jsonl --out ${route.artefact ?? 'router.json'}; see tollgate router --help)`,
      );
    }
    return warnings;
  }

  /** Rebuilds measured health and quality from recent ledger rows (oldest first), so a restart does not forget them. */
  seed(rows: readonly LedgerRecord[]): void {
    for (const row of rows) {
      if (!row.provider || row.operation === 'embedding') continue;
      // The live path keys by the configured upstream model; the ledger has the alias and what was served.
      const alias = ownEntry(this.config.models, row.requestedModel);
      const key = alias?.target.endsWith(`@${row.provider}`) ? alias.target : `${row.servedModel ?? row.requestedModel}@${row.provider}`;
      // A client's own mistake (4xx other than 429) says nothing about the target, as on the live path.
      const clientFault = row.status >= 400 && row.status < 500 && row.status !== 429;
      if (!clientFault) this.stats.observe(key, { ok: row.status < 400, latencyMs: row.latencyMs, ttftMs: row.ttftMs });
      if (row.quality !== null) this.quality.observe(key, '*', row.quality);
    }
  }

  /** A plain alias's chain with its equivalent targets ordered least busy first (load balancing), fallbacks after. */
  balance(alias: string, chain: Target[]): Target[] {
    const equivalents = ownEntry(this.config.models, alias)?.equivalents.length ?? 0;
    if (equivalents === 0) return chain;
    const pool = chain.slice(0, equivalents + 1);
    const load = (target: Target) => (this.inFlight.get(targetKey(target)) ?? 0) + Math.random() * 0.5;
    return [...pool.sort((a, b) => load(a) - load(b)), ...chain.slice(equivalents + 1)];
  }

  /** Every `model@provider` the config names (targets, fallbacks, equivalents, overflow targets): a bounded set. */
  configuredTargets(): string[] {
    const keys = new Set<string>();
    for (const model of Object.values(this.config.models)) {
      for (const target of [model.target, ...model.fallbacks, ...model.equivalents, ...(model.overflowTarget ? [model.overflowTarget] : [])]) keys.add(target);
    }
    return [...keys];
  }

  /** Breaker state of every configured target, then of any other target whose circuit is not closed (at most 100). */
  breakerViews(): BreakerView[] {
    const now = this.now();
    const configured = this.configuredTargets();
    const known = new Set(configured);
    const others = this.breaker
      .tracked()
      .filter((key) => !known.has(key))
      .map((key) => this.breaker.view(key, now))
      .filter((view) => view.state !== 'closed')
      .slice(0, 100);
    return [...configured.map((key) => this.breaker.view(key, now)), ...others];
  }

  contextWindowOf(target: Target): number | undefined {
    return this.entries().find((entry) => entry.key === targetKey(target))?.contextWindow;
  }

  begin(target: Target): void {
    const key = targetKey(target);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  end(target: Target): void {
    const key = targetKey(target);
    this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
  }
}

/** A learned route without its artefact: the named rule decides strong or weak, and says so in the route summary. */
function fallbackRuleDecision(route: RouteConfig, inputTokens: number): NonNullable<RouteState['learned']> {
  const strong = route.fallbackRule === 'strong' || (route.fallbackRule === 'length' && inputTokens >= route.fallbackLengthTokens);
  return { probability: strong ? 1 : 0, threshold: 0.5, rule: `fallback-rule=${route.fallbackRule}` };
}

export function needOf(request: ClientRequest): RouteNeed {
  const body = request.body;
  const format = (body.response_format as { type?: unknown } | undefined)?.type;
  return {
    operation: request.operation === 'models' ? 'chat' : request.operation,
    inputTokens: inboundOf(request).inputTokens,
    outputTokens: outputBound(body, 1024),
    tools: (Array.isArray(body.tools) && body.tools.length > 0) || Array.isArray(body.functions),
    vision: hasImage(body.messages),
    json: format === 'json_object' || format === 'json_schema',
  };
}

function hasImage(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  return messages.some((message) => {
    const content = (message as { content?: unknown } | null)?.content;
    return Array.isArray(content) && content.some((part) => {
      const type = (part as { type?: unknown } | null)?.type;
      return type === 'image_url' || type === 'image' || type === 'input_image';
    });
  });
}
