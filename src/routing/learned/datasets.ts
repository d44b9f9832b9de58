/**
 * Loaders turning the RouteLLM evaluation files (and, for tests only, AlpacaEval routing data)
 * into labelled router examples.
 *
 * RouteLLM: label = 1 ("strong needed") when the weak model (Mixtral-8x7B) is wrong and the strong
 * one (GPT-4-1106) right. Prompts are split deterministically by a hash of their text (default
 * 70/30 train/test per dataset), and contaminated prompts are removed from the test part.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fnv1a32 } from './features.ts';

export const WEAK_MODEL_COLUMN = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
export const STRONG_MODEL_COLUMN = 'gpt-4-1106-preview';

export type Split = 'train' | 'test';
export type RouteLlmDataset = 'mmlu' | 'gsm8k';

export interface LabelledPrompt {
  dataset: RouteLlmDataset;
  /** MMLU subject (file name stem) or 'gsm8k'. */
  subject: string;
  prompt: string;
  weakCorrect: boolean;
  strongCorrect: boolean;
  /** 1 when the weak model is wrong and the strong model right. */
  label: 0 | 1;
  split: Split;
  contaminated: boolean;
}

export interface RouteLlmSplits {
  train: LabelledPrompt[];
  /** Held-out prompts, contaminated ones removed. */
  test: LabelledPrompt[];
  /** Held-out prompts dropped because they are contaminated. */
  contaminatedRemoved: number;
}

/** RFC 4180 CSV parser: quoted fields with doubled quotes, embedded commas and newlines, CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      // Copy a run of unquoted characters at once.
      const next = text.indexOf('"', i);
      const end = next === -1 ? n : next;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (c === '"' && field.length === 0) {
      inQuotes = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (inQuotes) throw new Error('CSV ends inside a quoted field');
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parse CSV with a header row into records keyed by column name. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) return [];
  const out: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length === 1 && row[0] === '') continue; // blank line
    const rec: Record<string, string> = {};
    header.forEach((h, j) => {
      rec[h] = row[j] ?? '';
    });
    out.push(rec);
  }
  return out;
}

function parseBool(v: string | undefined, where: string): boolean {
  if (v === 'True' || v === 'true' || v === '1') return true;
  if (v === 'False' || v === 'false' || v === '0') return false;
  throw new Error(`expected True/False in ${where}, got ${JSON.stringify(v)}`);
}

/** Whitespace- and quote-insensitive key used to match contaminated prompts. */
export function promptKey(prompt: string): string {
  return prompt.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();
}

/** Deterministic split by a hash of the prompt text. */
export function splitOf(prompt: string, trainPercent = 70, salt = 'tollgate-router-split-v1'): Split {
  const h = fnv1a32(promptKey(prompt), fnv1a32(salt));
  // Extra avalanche so the low bits are well mixed.
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x45d9f3b) >>> 0;
  x ^= x >>> 16;
  return (x >>> 0) % 100 < trainPercent ? 'train' : 'test';
}

/** Eval prompts listed in a contaminated_prompts.jsonl file (as promptKey strings). */
export function loadContaminated(file: string): Set<string> {
  const out = new Set<string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as { eval_prompt?: unknown };
    if (typeof rec.eval_prompt === 'string') out.add(promptKey(rec.eval_prompt));
  }
  return out;
}

function labelled(
  dataset: RouteLlmDataset,
  subject: string,
  rec: Record<string, string>,
  where: string,
  contaminated: Set<string>,
  trainPercent: number,
): LabelledPrompt {
  const prompt = rec.prompt ?? '';
  const weakCorrect = parseBool(rec[WEAK_MODEL_COLUMN], where);
  const strongCorrect = parseBool(rec[STRONG_MODEL_COLUMN], where);
  return {
    dataset,
    subject,
    prompt,
    weakCorrect,
    strongCorrect,
    label: !weakCorrect && strongCorrect ? 1 : 0,
    split: splitOf(prompt, trainPercent),
    contaminated: contaminated.has(promptKey(prompt)),
  };
}

/** All MMLU questions (57 subject files, sorted by file name). */
export function loadMmlu(routellmDir: string, trainPercent = 70): LabelledPrompt[] {
  const dir = path.join(routellmDir, 'mmlu');
  const contaminated = loadContaminated(path.join(dir, 'contaminated_prompts.jsonl'));
  const files = readdirSync(dir)
    .filter((f) => /^mmlu_.+\.csv$/.test(f))
    .sort();
  const out: LabelledPrompt[] = [];
  for (const f of files) {
    const subject = f.slice('mmlu_'.length, -'.csv'.length);
    const records = parseCsvRecords(readFileSync(path.join(dir, f), 'utf8'));
    records.forEach((rec, r) => out.push(labelled('mmlu', subject, rec, `${f} row ${r + 2}`, contaminated, trainPercent)));
  }
  return out;
}

/** All GSM8K problems. */
export function loadGsm8k(routellmDir: string, trainPercent = 70): LabelledPrompt[] {
  const dir = path.join(routellmDir, 'gsm8k');
  const contaminated = loadContaminated(path.join(dir, 'contaminated_prompts.jsonl'));
  const records = parseCsvRecords(readFileSync(path.join(dir, 'gsm8k_responses.csv'), 'utf8'));
  return records.map((rec, r) => labelled('gsm8k', 'gsm8k', rec, `gsm8k_responses.csv row ${r + 2}`, contaminated, trainPercent));
}

/** MMLU + GSM8K, split into train and (decontaminated) test. */
export function loadRouteLlmSplits(routellmDir: string, trainPercent = 70): RouteLlmSplits {
  const all = [...loadMmlu(routellmDir, trainPercent), ...loadGsm8k(routellmDir, trainPercent)];
  const train = all.filter((p) => p.split === 'train');
  const heldOut = all.filter((p) => p.split === 'test');
  const test = heldOut.filter((p) => !p.contaminated);
  return { train, test, contaminatedRemoved: heldOut.length - test.length };
}

// ---------------------------------------------------------------------------------------------
// AlpacaEval routing data (CC BY-NC 4.0: tests and benchmarks only).

export const ALPACA_STRONG_BASELINE = 'gpt4_1106_preview';

export interface AlpacaRoutingPrompt {
  promptId: number;
  dataset: string;
  instruction: string;
  /** Win probability of the cheap model against the strong baseline (0 = baseline better). */
  cheapWinProb: number;
  cheapOutputTokens: number;
  /** The baseline against itself: 0.5. */
  strongWinProb: number;
  strongOutputTokens: number;
  split: Split;
}

export interface AlpacaMatrixRow {
  promptId: number;
  model: string;
  winProb: number;
  outputTokens: number;
}

export function loadAlpacaMatrix(alpacaDir: string): AlpacaMatrixRow[] {
  const records = parseCsvRecords(readFileSync(path.join(alpacaDir, 'preference-matrix.csv'), 'utf8'));
  return records.map((r) => ({
    promptId: Number(r.prompt_id),
    model: r.model ?? '',
    winProb: Number(r.win_prob_vs_gpt4_1106_preview),
    outputTokens: Number(r.output_tokens_o200k),
  }));
}

/**
 * The cheap model to route against: `preferred` if present in the matrix, otherwise the model
 * with the lowest mean win rate among those with at least `minPrompts` prompts.
 */
export function pickCheapModel(rows: readonly AlpacaMatrixRow[], preferred = 'gpt-3.5-turbo-1106', minPrompts = 700): string {
  const stats = new Map<string, { n: number; sum: number }>();
  for (const r of rows) {
    if (r.model === ALPACA_STRONG_BASELINE || !Number.isFinite(r.winProb)) continue;
    const s = stats.get(r.model) ?? { n: 0, sum: 0 };
    s.n++;
    s.sum += r.winProb;
    stats.set(r.model, s);
  }
  if (stats.has(preferred)) return preferred;
  let best: string | undefined;
  let bestMean = Infinity;
  for (const [m, s] of [...stats].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (s.n < minPrompts) continue;
    const mean = s.sum / s.n;
    if (mean < bestMean) {
      bestMean = mean;
      best = m;
    }
  }
  if (!best) throw new Error(`no model with at least ${minPrompts} prompts`);
  return best;
}

/** Per prompt: the cheap model's win prob vs the strong baseline, and both output token counts. */
export function loadAlpacaRouting(alpacaDir: string, cheapModel?: string, trainPercent = 70): { cheapModel: string; prompts: AlpacaRoutingPrompt[] } {
  const rows = loadAlpacaMatrix(alpacaDir);
  const cheap = cheapModel ?? pickCheapModel(rows);
  const byPrompt = new Map<number, AlpacaMatrixRow>();
  for (const r of rows) if (r.model === cheap) byPrompt.set(r.promptId, r);
  const prompts: AlpacaRoutingPrompt[] = [];
  for (const line of readFileSync(path.join(alpacaDir, 'prompts.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const p = JSON.parse(line) as { prompt_id: number; dataset: string; instruction: string; baseline_output_tokens_o200k: number };
    const c = byPrompt.get(p.prompt_id);
    if (!c || !Number.isFinite(c.winProb)) continue;
    prompts.push({
      promptId: p.prompt_id,
      dataset: p.dataset,
      instruction: p.instruction,
      cheapWinProb: c.winProb,
      cheapOutputTokens: c.outputTokens,
      strongWinProb: 0.5,
      strongOutputTokens: p.baseline_output_tokens_o200k,
      split: splitOf(p.instruction, trainPercent),
    });
  }
  return { cheapModel: cheap, prompts };
}
