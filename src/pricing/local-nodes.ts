import type { LocalNodeConfig } from '../config/schema.ts';
import { parseDecimal, reduceRatio, roundHalfUpBig, type Ratio } from './decimal.ts';

/**
 * Amortised cost of local nodes (a GPU box running vLLM, a CPU box running Ollama).
 *
 * What a local token costs is a policy choice; the one taken here, and why:
 * - A node costs `hourlyUsd` whether it serves or not. Idle time is a fixed cost of owning the
 *   node; it is accounted as such (fixed-costs.ts accrues node hours), not smeared over requests.
 * - A request is charged its share of the hours in which the node actually served traffic:
 *   rate = hourly cost × active hours ÷ tokens served in those hours, over the last 24 COMPLETED
 *   hours (hourly buckets; an hour with no tokens is not active). So in a steadily used hour the
 *   requests of that hour add up to about the node's hourly cost (full absorption), an idle night
 *   does not make the morning's tokens expensive, and a lightly used hour does make its tokens
 *   dear, which is the honest signal that the node is under-used.
 * - The running hour is left out: a partial hour would understate throughput and inflate cost.
 * - Until a completed active hour exists (a new node, or one idle for 24 h), the configured
 *   `expectedTokensPerSecond` is used.
 * Rates are exact fractions of a nano-dollar per token; costs are rounded once per request side.
 */

/** nano-USD per token as an exact fraction, with what it was derived from. */
export interface NodeRate extends Ratio {
  basis: 'measured' | 'expected';
  /** The throughput the rate assumes, in tokens per hour. */
  tokensPerHour: number;
}

export interface LocalNodeCosts {
  /** True when the node is configured. */
  has(nodeId: string): boolean;
  /** Counts tokens (input + output) served by a node at a time; unknown nodes are ignored. */
  recordTokens(nodeId: string, tokens: number, timeMs: number): void;
  /** The node's current cost per token; undefined for an unknown node. */
  nanoPerToken(nodeId: string, timeMs: number): NodeRate | undefined;
}

export interface LocalNodeOptions {
  /** Trailing window of completed hours that count (default 24). */
  windowHours?: number;
}

const MS_PER_HOUR = 3_600_000;

/** The nodes of `pricing.localNodes`, each with its own throughput window. */
export function createLocalNodeCosts(nodes: readonly LocalNodeConfig[], options: LocalNodeOptions = {}): LocalNodeCosts {
  const windowHours = options.windowHours ?? 24;
  const states = new Map<string, NodeState>(
    nodes.map((node): [string, NodeState] => {
      const hourly = parseDecimal(node.hourlyUsd);
      const expected = parseDecimal(node.expectedTokensPerSecond);
      return [
        node.id,
        {
          // nano-USD per hour as a fraction: hourlyUsd has at most a few decimals, kept exactly.
          hourlyNano: { numerator: hourly.coefficient * 1_000_000_000n, denominator: 10n ** BigInt(hourly.decimals) },
          expectedTokensPerHour: { numerator: expected.coefficient * 3600n, denominator: 10n ** BigInt(expected.decimals) },
          window: createThroughputWindow(windowHours),
          // The rate only changes when the hour turns or a late record lands in a past hour.
          cached: undefined,
        },
      ];
    }),
  );

  return {
    has: (nodeId) => states.has(nodeId),
    recordTokens(nodeId, tokens, timeMs) {
      const state = states.get(nodeId);
      if (!state) return;
      state.window.record(tokens, timeMs);
      if (state.cached && Math.floor(timeMs / MS_PER_HOUR) < state.cached.hour) state.cached = undefined;
    },
    nanoPerToken(nodeId, timeMs) {
      const state = states.get(nodeId);
      if (!state) return undefined;
      const hour = Math.floor(timeMs / MS_PER_HOUR);
      if (state.cached?.hour === hour) return state.cached.rate;
      const rate = currentRate(state, timeMs);
      state.cached = { hour, rate };
      return rate;
    },
  };
}

interface NodeState {
  hourlyNano: Ratio;
  expectedTokensPerHour: Ratio;
  window: ThroughputWindow;
  cached: { hour: number; rate: NodeRate } | undefined;
}

/** hourly × activeHours ÷ tokens over the window, or hourly ÷ expected tokens per hour. */
function currentRate(state: NodeState, timeMs: number): NodeRate {
  const { hourlyNano } = state;
  const measured = state.window.measure(timeMs);
  if (measured) {
    const rate = reduceRatio({
      numerator: hourlyNano.numerator * BigInt(measured.activeHours),
      denominator: hourlyNano.denominator * BigInt(measured.tokens),
    });
    return { ...rate, basis: 'measured', tokensPerHour: measured.tokens / measured.activeHours };
  }
  const perHour = state.expectedTokensPerHour;
  const rate = reduceRatio({
    numerator: hourlyNano.numerator * perHour.denominator,
    denominator: hourlyNano.denominator * perHour.numerator,
  });
  return { ...rate, basis: 'expected', tokensPerHour: Number(perHour.numerator) / Number(perHour.denominator) };
}

/** Exact nano-USD for `tokens` at a rate, rounded half up once. */
export function nodeCostNanoUsd(tokens: number, rate: Ratio, factor: Ratio = { numerator: 1n, denominator: 1n }): number {
  if (!(tokens > 0)) return 0;
  return Number(roundHalfUpBig(BigInt(Math.floor(tokens)) * rate.numerator * factor.numerator, rate.denominator * factor.denominator));
}

/** A node's rate per million tokens, rounded half up (for `PriceBook.rates`). */
export function nodeRatePerMTok(rate: Ratio, factor: Ratio = { numerator: 1n, denominator: 1n }): number {
  return Number(roundHalfUpBig(1_000_000n * rate.numerator * factor.numerator, rate.denominator * factor.denominator));
}

/** Tokens served per hour, kept for a trailing window of hours. Pure: time is always a parameter. */
export interface ThroughputWindow {
  record(tokens: number, timeMs: number): void;
  /** Active completed hours within the window before `timeMs`, and their tokens; undefined if none. */
  measure(timeMs: number): { activeHours: number; tokens: number } | undefined;
}

/** A ring of hourly buckets, one slot per hour of the window plus the running hour. */
export function createThroughputWindow(windowHours: number): ThroughputWindow {
  if (!Number.isInteger(windowHours) || windowHours < 1) throw new RangeError(`windowHours must be a positive integer, got ${windowHours}`);
  const size = windowHours + 1;
  const hours = new Array<number>(size).fill(Number.NaN);
  const tokens = new Array<number>(size).fill(0);
  return {
    record(count, timeMs) {
      if (!(count > 0) || !Number.isFinite(count) || !Number.isFinite(timeMs)) return;
      const hour = Math.floor(timeMs / MS_PER_HOUR);
      const slot = ((hour % size) + size) % size;
      if (hours[slot] !== hour) {
        // A late record for an hour already recycled is dropped rather than counted in a newer hour.
        if (hours[slot]! > hour) return;
        hours[slot] = hour;
        tokens[slot] = 0;
      }
      tokens[slot]! += Math.floor(count);
    },
    measure(timeMs) {
      const current = Math.floor(timeMs / MS_PER_HOUR);
      let activeHours = 0;
      let total = 0;
      for (let slot = 0; slot < size; slot += 1) {
        const hour = hours[slot]!;
        if (hour >= current - windowHours && hour < current && tokens[slot]! > 0) {
          activeHours += 1;
          total += tokens[slot]!;
        }
      }
      return activeHours > 0 ? { activeHours, tokens: total } : undefined;
    },
  };
}
