/**
 * The router's own training format: JSON Lines, one labelled prompt per line. A line is
 *   {"prompt": "…", "label": 1}                                  1/true: the strong model is needed
 *   {"prompt": "…", "weak_correct": false, "strong_correct": true} label = weak wrong and strong right
 * with an optional positive "weight" (default 1). Blank lines are skipped; anything else is an
 * error naming the line.
 */
import { readFileSync } from 'node:fs';
import { safeParseJson } from '../../domain/safe-parse-json.ts';
import { splitOf, type Split } from './datasets.ts';

export interface JsonlExample {
  prompt: string;
  label: 0 | 1;
  weight: number;
  /** Known when the line gave both outcomes. */
  weakCorrect: boolean | undefined;
  strongCorrect: boolean | undefined;
  split: Split;
}

export const JSONL_FORMAT = `JSON Lines, one labelled prompt per line:
  {"prompt": "Prove that sqrt(2) is irrational.", "label": 1}      1 (or true): the strong model is needed
  {"prompt": "Say hello in French.", "label": 0}                   0 (or false): the weak model suffices
  {"prompt": "...", "weak_correct": false, "strong_correct": true}  label = weak wrong and strong right
An optional "weight" (a positive number, default 1) counts a line more or less.`;

/** Longest prompt read from a line (longer ones are cut: features only need the start). */
const MAX_PROMPT_CHARS = 100_000;

export function parseJsonlExamples(text: string, trainPercent = 70, origin = 'data'): JsonlExample[] {
  const out: JsonlExample[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const where = `${origin} line ${index + 1}`;
    const parsed = safeParseJson(line);
    if (!parsed.ok) throw new Error(`${where}: not JSON (${parsed.error})`);
    const record = parsed.value;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error(`${where}: expected an object like {"prompt": "...", "label": 0}`);
    const fields = record as Record<string, unknown>;
    if (typeof fields.prompt !== 'string' || fields.prompt.trim() === '') throw new Error(`${where}: "prompt" must be a non-empty string`);
    const weakCorrect = optionalBool(fields.weak_correct, 'weak_correct', where);
    const strongCorrect = optionalBool(fields.strong_correct, 'strong_correct', where);
    let label: 0 | 1;
    if (fields.label !== undefined) {
      if (fields.label === 1 || fields.label === true) label = 1;
      else if (fields.label === 0 || fields.label === false) label = 0;
      else throw new Error(`${where}: "label" must be 0, 1, true or false`);
    } else if (weakCorrect !== undefined && strongCorrect !== undefined) {
      label = !weakCorrect && strongCorrect ? 1 : 0;
    } else {
      throw new Error(`${where}: give "label", or both "weak_correct" and "strong_correct"`);
    }
    const weight = fields.weight === undefined ? 1 : fields.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1_000) throw new Error(`${where}: "weight" must be a number in (0, 1000]`);
    const prompt = fields.prompt.slice(0, MAX_PROMPT_CHARS);
    out.push({ prompt, label, weight, weakCorrect, strongCorrect, split: splitOf(prompt, trainPercent) });
  }
  return out;
}

export function loadJsonlExamples(file: string, trainPercent = 70): JsonlExample[] {
  return parseJsonlExamples(readFileSync(file, 'utf8'), trainPercent, file);
}

function optionalBool(value: unknown, name: string, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${where}: "${name}" must be true or false`);
  return value;
}
