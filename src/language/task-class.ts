/**
 * Task class of a prompt: what kind of work it asks for. Used by a route's task rules
 * (`routes.<name>.taskRules: [{ taskClass: 'coding', model: ... }]`), which also record it in the
 * route decision the ledger keeps. Pure and
 * cheap: a small learned model (multinomial logistic regression, `task-model.ts`) over the prompt's
 * hand-written cue scores, its shape (code, maths notation, lists), its hashed words and character
 * 3-grams (so prompts in Chinese or Russian are read too) and the meaning of its words. Trained by
 * `npm run train:task-classes` on Arena-Hard's even prompts, MT-Bench, GSM8K, a few MMLU questions
 * and a short list of small talk. Classes of one's own by example (`createTaskClassifier`): a prompt
 * joins one when it is closer in word meaning to that class's examples than the threshold.
 */
import { cosine, type HashedEmbedder } from './embedder.ts';
import { TASK_CLASSES, type BuiltInTaskClass, type TaskClass } from './task-class-names.ts';
import { HEAD_CHARS } from './task-cues.ts';
import { taskFeatures } from './task-features.ts';
import { defaultTaskModel } from './task-model.ts';

export { TASK_CLASSES, type BuiltInTaskClass, type TaskClass };

export interface TaskClassResult {
  taskClass: TaskClass;
  /** Probability of each built-in class (rounded, above 1%), for the route explanation. */
  scores: Partial<Record<string, number>>;
}

/** Nothing but spaces and punctuation: no ask to read, so small talk (the model is not consulted). */
const EMPTY_PROMPT = /^[\s\p{P}\p{S}]*$/u;

/** The built-in class of `prompt` (its last user turn, system prompt included when it says what to do). */
export function classifyTask(prompt: string): TaskClassResult {
  if (EMPTY_PROMPT.test(prompt.length > 256 ? prompt.slice(0, 256) : prompt)) return { taskClass: 'chat', scores: { chat: 1 } };
  const model = defaultTaskModel();
  const probabilities = model.predict(taskFeatures(prompt));
  const scores: Partial<Record<string, number>> = {};
  let best = 0;
  for (let c = 0; c < probabilities.length; c += 1) {
    const p = probabilities[c] as number;
    if (p >= 0.01) scores[model.classes[c] as string] = Math.round(p * 100) / 100;
    if (p > (probabilities[best] as number)) best = c;
  }
  return { taskClass: model.classes[best] as TaskClass, scores };
}

export interface CustomTaskClass {
  name: string;
  examples: readonly string[];
  /** Cosine to the examples' centroid a prompt needs to join (default 0.6). */
  threshold?: number;
}

/**
 * A classifier with the operator's own classes, defined by examples: a prompt closest to a custom
 * class's centroid, above its threshold, takes that class; otherwise the built-in rules decide.
 */
export function createTaskClassifier(embedder: HashedEmbedder, custom: readonly CustomTaskClass[] = []): (prompt: string) => TaskClassResult {
  const centroids = custom.map((entry) => {
    const sum = new Float32Array(embedder.dimensions);
    for (const example of entry.examples) {
      const vector = embedder.embed(example);
      for (let d = 0; d < sum.length; d += 1) sum[d] = (sum[d] as number) + (vector[d] as number);
    }
    let norm = 0;
    for (const v of sum) norm += v * v;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < sum.length; d += 1) sum[d] = (sum[d] as number) * inv;
    return { name: entry.name, centroid: sum, threshold: entry.threshold ?? 0.6 };
  });
  return (prompt) => {
    const builtIn = classifyTask(prompt);
    if (centroids.length === 0) return builtIn;
    const vector = embedder.embed(prompt.slice(0, HEAD_CHARS));
    let best: { name: string; score: number } | undefined;
    for (const entry of centroids) {
      const score = cosine(vector, entry.centroid);
      if (score >= entry.threshold && (!best || score > best.score)) best = { name: entry.name, score };
    }
    return best ? { taskClass: best.name, scores: { ...builtIn.scores, [best.name]: best.score } } : builtIn;
  };
}
