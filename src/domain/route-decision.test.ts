import { describe, expect, it } from 'vitest';
import { fellBack, MAX_ROUTE_ENTRIES, toRouteDecision } from './route-decision.ts';

describe('toRouteDecision', () => {
  it('reads an old route string as a decision with only its summary, and nothing as null', () => {
    expect(toRouteDecision('cheapest:mini (2 considered)')).toEqual({ summary: 'cheapest:mini (2 considered)' });
    expect(toRouteDecision('{not json')).toEqual({ summary: '{not json' });
    expect(toRouteDecision(null)).toBeNull();
    expect(toRouteDecision(undefined)).toBeNull();
    expect(toRouteDecision('')).toBeNull();
    expect(toRouteDecision(42)).toBeNull();
    expect(toRouteDecision([{ summary: 'x' }])).toBeNull();
  });

  it('reads JSON text and objects, keeping only well-formed fields', () => {
    const text = JSON.stringify({ summary: 's', chosen: 'a@p', fallbacks: 1, tried: [{ target: 'b@p', outcome: 'rate_limited' }, { target: 7 }], learned: { score: 0.7, threshold: 0.5 } });
    expect(toRouteDecision(text)).toEqual({ summary: 's', chosen: 'a@p', fallbacks: 1, tried: [{ target: 'b@p', outcome: 'rate_limited' }], learned: { score: 0.7, threshold: 0.5 } });
    expect(toRouteDecision({ summary: 's', fallbacks: -1, experiment: { name: 'e', arm: 'sideways' }, learned: { score: 'high' } })).toEqual({ summary: 's' });
  });

  it('ignores inherited and prototype keys', () => {
    const hostile = JSON.parse('{"summary":"s","__proto__":{"chosen":"evil@p"},"constructor":{"prototype":{}}}') as unknown;
    const decision = toRouteDecision(hostile);
    expect(decision).toEqual({ summary: 's' });
    expect(decision?.chosen).toBeUndefined();
    expect(({} as { chosen?: string }).chosen).toBeUndefined();
  });

  it('caps the lists and counts what it dropped', () => {
    const skipped = Array.from({ length: 40 }, (_, index) => ({ target: `t${index}`, why: 'context' }));
    const decision = toRouteDecision({ summary: 's', skipped, skippedMore: 5 });
    expect(decision?.skipped).toHaveLength(MAX_ROUTE_ENTRIES);
    expect(decision?.skippedMore).toBe(40 - MAX_ROUTE_ENTRIES + 5);
  });

  it('keeps a task class given as text and drops anything else there', () => {
    expect(toRouteDecision({ summary: 's', taskClass: 'coding' })).toEqual({ summary: 's', taskClass: 'coding' });
    expect(toRouteDecision({ summary: 's', taskClass: { evil: true } })).toEqual({ summary: 's' });
    expect(toRouteDecision({ summary: 's', taskClass: 'x'.repeat(5_000) })?.taskClass).toHaveLength(200);
  });

  it('fellBack reads the count', () => {
    expect(fellBack({ summary: 'x', fallbacks: 1 })).toBe(true);
    expect(fellBack({ summary: 'fallback:x' })).toBe(false);
    expect(fellBack(null)).toBe(false);
  });
});
