import { formatUsd } from '../../domain/money.ts';
import type { LedgerRecord } from '../../ledger/record.ts';

export interface ArmSummary {
  arm: string;
  requests: number;
  /** Requests a budget refused (429 budget_exceeded, 503 budget_unavailable): the arm's model never saw them. */
  refused: number;
  /** Failed share of the requests the arm's model was asked to serve (refusals excluded). */
  errorRate: number;
  /** Mean cost per request with a 95% confidence interval, USD. */
  costUsd: { mean: string; low: string; high: string };
  /** Mean automatic quality score (0..1) with a 95% confidence interval. */
  quality: { mean: number; low: number; high: number; n: number } | null;
}

export interface ExperimentReport {
  experiment: string;
  arms: ArmSummary[];
  /** Candidate (or shadow) minus control, with 95% intervals (Welch): negative cost = cheaper. */
  difference: { costUsd: { mean: string; low: string; high: string }; quality: { mean: number; low: number; high: number } | null } | null;
}

interface Stats {
  n: number;
  mean: number;
  variance: number;
}

function stats(values: readonly number[]): Stats {
  const n = values.length;
  const mean = n ? values.reduce((sum, v) => sum + v, 0) / n : 0;
  const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, variance };
}

const Z95 = 1.96;
const interval = (s: Stats) => {
  const half = s.n > 0 ? Z95 * Math.sqrt(s.variance / s.n) : 0;
  return { mean: s.mean, low: s.mean - half, high: s.mean + half };
};
const round = (value: number) => Math.round(value * 10_000) / 10_000;
const usd = (nano: number) => formatUsd(Math.round(nano));

/** A budget said no before any model was called: not the arm's error. */
function isBudgetRefusal(row: LedgerRecord): boolean {
  return row.errorCode === 'budget_exceeded' || row.errorCode === 'budget_unavailable';
}

/** How many ledger rows each arm of an experiment has (for the experiment list). Pure. */
export function countExperimentArms(name: string, rows: readonly LedgerRecord[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const arm = armOf(name, row);
    if (arm === undefined) continue;
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** The arm of experiment `name` a row was on (its route decision's `experiment`), if any. */
function armOf(name: string, row: LedgerRecord): string | undefined {
  const experiment = row.route?.experiment;
  return experiment?.name === name ? experiment.arm : undefined;
}

/** Cost and quality per arm of an experiment, from ledger rows whose route decision names it. Pure. */
export function buildExperimentReport(name: string, rows: readonly LedgerRecord[]): ExperimentReport {
  const byArm = new Map<string, LedgerRecord[]>();
  for (const row of rows) {
    const arm = armOf(name, row);
    if (arm === undefined) continue;
    const list = byArm.get(arm) ?? [];
    list.push(row);
    byArm.set(arm, list);
  }
  const costStats = new Map<string, Stats>();
  const qualityStats = new Map<string, Stats>();
  const arms: ArmSummary[] = [...byArm.entries()].map(([arm, list]) => {
    const refused = list.filter(isBudgetRefusal).length;
    const attempted = list.length - refused;
    const served = list.filter((row) => row.status < 400);
    const cost = stats(served.map((row) => row.costNanoUsd));
    const scores = served.map((row) => row.quality).filter((q): q is number => q !== null);
    const quality = scores.length ? stats(scores) : undefined;
    costStats.set(arm, cost);
    if (quality) qualityStats.set(arm, quality);
    const c = interval(cost);
    const q = quality && interval(quality);
    return {
      arm,
      requests: list.length,
      refused,
      errorRate: attempted ? round((attempted - served.length) / attempted) : 0,
      costUsd: { mean: usd(c.mean), low: usd(Math.max(0, c.low)), high: usd(c.high) },
      quality: q ? { mean: round(q.mean), low: round(q.low), high: round(q.high), n: quality!.n } : null,
    };
  });
  const control = costStats.get('control');
  const other = costStats.get('candidate') ?? costStats.get('shadow');
  let difference: ExperimentReport['difference'] = null;
  if (control && other) {
    const diff = (a: Stats, b: Stats) => {
      const mean = a.mean - b.mean;
      const half = Z95 * Math.sqrt((a.n ? a.variance / a.n : 0) + (b.n ? b.variance / b.n : 0));
      return { mean, low: mean - half, high: mean + half };
    };
    const cost = diff(other, control);
    const qa = qualityStats.get('candidate') ?? qualityStats.get('shadow');
    const qc = qualityStats.get('control');
    const quality = qa && qc ? diff(qa, qc) : undefined;
    difference = {
      costUsd: { mean: usd(cost.mean), low: usd(cost.low), high: usd(cost.high) },
      quality: quality ? { mean: round(quality.mean), low: round(quality.low), high: round(quality.high) } : null,
    };
  }
  return { experiment: name, arms: arms.sort((a, b) => a.arm.localeCompare(b.arm)), difference };
}
