import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one trial through after the cooldown, and closes on success', () => {
    const breaker = new CircuitBreaker(3, 1_000);
    for (let i = 0; i < 2; i += 1) breaker.failure('a', 0);
    expect(breaker.allow('a', 10)).toBe(true);
    breaker.failure('a', 10);
    expect(breaker.allow('a', 20)).toBe(false);
    expect(breaker.isOpen('a', 20)).toBe(true);
    expect(breaker.allow('a', 1_011)).toBe(true); // the half-open trial
    expect(breaker.allow('a', 1_012)).toBe(false); // only one
    breaker.failure('a', 1_020);
    expect(breaker.allow('a', 1_500)).toBe(false);
    expect(breaker.allow('a', 2_021)).toBe(true);
    breaker.success('a');
    expect(breaker.allow('a', 2_022)).toBe(true);
    expect(breaker.isOpen('a', 2_022)).toBe(false);
  });
});

describe('CircuitBreaker views', () => {
  it('shows closed, open (with when it opened and reopens) and half-open', () => {
    const breaker = new CircuitBreaker(2, 1_000);
    expect(breaker.view('a', 0)).toEqual({ target: 'a', state: 'closed', failures: 0, openedAtMs: null, reopensAtMs: null });
    breaker.failure('a', 5);
    expect(breaker.view('a', 6)).toMatchObject({ state: 'closed', failures: 1 });
    breaker.failure('a', 10);
    expect(breaker.view('a', 11)).toEqual({ target: 'a', state: 'open', failures: 2, openedAtMs: 10, reopensAtMs: 1_010 });
    expect(breaker.view('a', 1_010)).toMatchObject({ state: 'half-open' });
    breaker.success('a');
    expect(breaker.view('a', 1_011).state).toBe('closed');
    expect(breaker.tracked()).toEqual([]);
  });
});

describe('CircuitBreaker release', () => {
  it('a half-open trial that ended without a verdict is given back; the circuit stays open until a success', () => {
    const breaker = new CircuitBreaker(1, 100);
    breaker.failure('a', 0);
    expect(breaker.allow('a', 100)).toBe(true); // the trial
    expect(breaker.allow('a', 101)).toBe(false);
    breaker.release('a'); // e.g. the client's own 400
    expect(breaker.view('a', 102).state).toBe('half-open');
    expect(breaker.allow('a', 102)).toBe(true); // the next call is the trial
    breaker.success('a');
    expect(breaker.view('a', 103).state).toBe('closed');
  });
});
