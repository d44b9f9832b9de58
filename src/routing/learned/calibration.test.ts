import { describe, expect, it } from 'vitest';
import { applyPlatt, calibrationReport, fitPlatt, logit } from './calibration.ts';
import { mulberry32 } from './model.ts';

describe('Platt scaling', () => {
  // An over-confident scorer: true log-odds are a third of the reported ones.
  const r = mulberry32(9);
  const logits = Array.from({ length: 5000 }, () => (r() - 0.5) * 12);
  const labels = logits.map((z) => (r() < 1 / (1 + Math.exp(-z / 3 + 0.5)) ? 1 : 0) as 0 | 1);

  it('recovers the slope and offset, and lowers the calibration error', () => {
    const c = fitPlatt(logits, labels);
    expect(c.a).toBeCloseTo(1 / 3, 1);
    expect(c.b).toBeCloseTo(-0.5, 0);
    const raw = calibrationReport(
      logits.map((z) => 1 / (1 + Math.exp(-z))),
      labels,
    );
    const fixed = calibrationReport(
      logits.map((z) => applyPlatt(c, z)),
      labels,
    );
    expect(fixed.ece).toBeLessThan(raw.ece / 2);
    expect(fixed.brier).toBeLessThan(raw.brier);
    expect(Math.abs(fixed.meanPredicted - fixed.observedRate)).toBeLessThan(0.01);
  });

  it('keeps the order of prompts and stays finite on separable data', () => {
    const c = fitPlatt([-2, -1, 1, 2], [0, 0, 1, 1]);
    expect(Number.isFinite(c.a) && c.a > 0).toBe(true);
    expect(applyPlatt(c, 1)).toBeGreaterThan(applyPlatt(c, -1));
    expect(logit(1)).toBeGreaterThan(20);
    expect(() => fitPlatt([], [])).toThrow(/one label/);
  });
});
