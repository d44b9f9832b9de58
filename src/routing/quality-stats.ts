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
    // The target's overall figure, then the task's (the same one when the task is `*`): no Set or array per call.
    this.update(`${target}|*`, score, weight);
    if (task !== '*') this.update(`${target}|${task}`, score, weight);
  }

  private update(key: string, score: number, weight: number): void {
    let current = this.byKey.get(key);
    if (current === undefined) this.byKey.set(key, (current = { score: 0, samples: 0, feedback: 0 }));
    const alpha = Math.min(0.5, 0.05 * weight);
    current.score = current.samples === 0 ? score : current.score * (1 - alpha) + score * alpha;
    current.samples += 1;
    if (weight > 1) current.feedback += 1;
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
