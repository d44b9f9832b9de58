/**
 * Cost of `classifyTask` (npm run bench:task-class): first call (loads the model and the word table),
 * then µs per call (CPU time per call, and wall-clock mean, p50, p99) on prompts of 200 B, 2 KB and 20 KB (only the first 4,000 characters are read),
 * with the old cue rules alone on the same prompts for comparison. Prints numbers, asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { classifyTask } from '../src/language/task-class.ts';
import { cueScores } from '../src/language/task-cues.ts';

const paragraph =
  'I am building a small web service in TypeScript that reads orders from a PostgreSQL table and sends a summary email every morning. ' +
  'The query works in psql but the function below returns an empty array when it runs in production, and I cannot see why. ';
const code = '```ts\nexport async function dailyOrders(db: Pool, day: string): Promise<Order[]> {\n  const { rows } = await db.query(\'SELECT * FROM orders WHERE created_at::date = $1\', [day]);\n  return rows.map(toOrder);\n}\n```\n';
const sized = (bytes: number): string => {
  let text = '';
  while (text.length < bytes) text += text.length % 2 === 0 ? paragraph : code;
  return text.slice(0, bytes);
};

const started = performance.now();
classifyTask('warm up: write a haiku about the sea');
console.log(`first call (loads model + word table): ${(performance.now() - started).toFixed(0)} ms`);

function measure(label: string, fn: (text: string) => unknown, text: string, runs: number): void {
  for (let i = 0; i < 50; i += 1) fn(text);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    fn(text);
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  console.log(`${label.padEnd(28)} cpu ${((used.user + used.system) / runs).toFixed(0).padStart(6)} µs   wall mean ${(mean * 1000).toFixed(0).padStart(6)} µs   p50 ${(times[Math.floor(runs / 2)]! * 1000).toFixed(0).padStart(6)} µs   p99 ${(times[Math.floor(runs * 0.99)]! * 1000).toFixed(0).padStart(6)} µs`);
}

const runs = Number(process.env.RUNS ?? 2000);
for (const bytes of [200, 2_000, 20_000]) {
  const text = sized(bytes);
  measure(`classifyTask ${bytes} B`, classifyTask, text, runs);
  measure(`cue rules only ${bytes} B`, cueScores, text.slice(0, 4_000), runs);
}
