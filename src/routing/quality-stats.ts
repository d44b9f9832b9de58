/** Quality per model@provider and task class: automatic signals and user feedback, smoothed. */
export interface QualityEstimate {
  score: number;
  samples: number;
  feedback: number;
}

export class QualityStats {
  private readonly byKey = new Map<string, QualityEstimate>();

  /** `weight` > 1 for explicit feedback, which counts more than an automatic signal. */
  observe(target: string, task: string, score: number, weight = 1): void {
    for (const key of new Set([`${target}|*`, `${target}|${task}`])) {
      const current = this.byKey.get(key) ?? { score: 0, samples: 0, feedback: 0 };
      const alpha = Math.min(0.5, (0.05 * weight));
      current.score = current.samples === 0 ? score : current.score * (1 - alpha) + score * alpha;
      current.samples += 1;
      if (weight > 1) current.feedback += 1;
      this.byKey.set(key, current);
    }
  }

  get(target: string, task = '*'): QualityEstimate | undefined {
    return this.byKey.get(`${target}|${task}`);
  }

  all(): Array<{ target: string; task: string } & QualityEstimate> {
    return [...this.byKey.entries()].map(([key, value]) => {
      const [target = '', task = ''] = key.split('|');
      return { target, task, ...value };
    });
  }
}
