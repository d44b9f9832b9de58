/**
 * Dense difficulty cues that carry across topics (pure): how long the question and its answer
 * options are, how the options relate to each other, maths and reasoning markers, negated questions
 * ("which is NOT"), roman-numeral statement lists, number density, and how rare the words are by
 * the word table's frequency ranks. None of them names a topic, so a model on these cannot learn
 * "abstract algebra is hard"; it has to learn what hard questions look like.
 */
import { tokenize } from '../../language/text.ts';
import type { WordTable } from '../../language/word-table.ts';

export const DIFFICULTY_FEATURE_NAMES = [
  'log_chars',
  'log_question_chars',
  'log_options_chars',
  'option_count',
  'log_mean_option_chars',
  'option_length_spread',
  'options_numeric_share',
  'options_all_none_both',
  'log_words',
  'log_lines',
  'log_sentences',
  'log_numbers',
  'number_density',
  'log_math_symbols',
  'latex_or_dollar',
  'negated_question',
  'roman_statements',
  'statement_pair',
  'cue_calculate',
  'cue_which_of_following',
  'cue_best_most_likely',
  'cue_why_explain',
  'question_mark',
  'blank_or_completion',
  'mean_word_length',
  'rare_word_share',
  'unknown_word_share',
  'mean_log_rank',
  'code_marker',
] as const;
export const DIFFICULTY_FEATURE_COUNT = DIFFICULTY_FEATURE_NAMES.length;

const OPTION_LINE = /^\s*\(?([A-J])[.)]\s+(.*)$/;

export interface QuestionParts {
  question: string;
  options: string[];
}

/** Split a prompt into the question stem and its lettered answer options (A. … / (B) …). */
export function questionParts(prompt: string): QuestionParts {
  const lines = prompt.split('\n');
  const options: string[] = [];
  let firstOption = -1;
  let expected = 65; // 'A'
  for (let i = 0; i < lines.length; i++) {
    const m = OPTION_LINE.exec(lines[i]!);
    if (m && m[1]!.charCodeAt(0) === expected) {
      if (firstOption < 0) firstOption = i;
      options.push(m[2]!.trim());
      expected++;
    } else if (firstOption >= 0 && options.length > 0 && !/^\s*answer:?\s*$/i.test(lines[i]!)) {
      options[options.length - 1] += ` ${lines[i]!.trim()}`; // an option spilling over a line
    }
  }
  if (options.length < 2) return { question: prompt.replace(/\n?Answer:\s*$/i, ''), options: [] };
  return { question: lines.slice(0, firstOption).join('\n'), options };
}

const log1 = (x: number) => Math.log1p(Math.max(0, x));
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const RARE_RANK = 20_000;

/** The dense cue vector of a prompt, in {@link DIFFICULTY_FEATURE_NAMES} order (raw, not scaled). */
export function difficultyFeatures(prompt: string, table: WordTable): Float64Array {
  const { question, options } = questionParts(prompt);
  const words = tokenize(prompt);
  const qWords = tokenize(question);
  const optionChars = options.reduce((s, o) => s + o.length, 0);
  const lens = options.map((o) => o.length);
  const meanOpt = options.length ? optionChars / options.length : 0;
  const spread = options.length > 1 && meanOpt > 0 ? (Math.max(...lens) - Math.min(...lens)) / meanOpt : 0;
  let rare = 0;
  let unknown = 0;
  let logRank = 0;
  let letters = 0;
  let wordsWithLetters = 0;
  for (const w of qWords) {
    if (!/\p{L}/u.test(w)) continue;
    wordsWithLetters++;
    letters += w.length;
    const r = table.row(w);
    if (r === undefined) unknown++;
    if (r === undefined || r > RARE_RANK) rare++;
    logRank += Math.log1p(r ?? 60_000);
  }
  const qn = Math.max(1, wordsWithLetters);
  const numbers = count(prompt, /\d+(?:\.\d+)?/g);
  const f = [
    log1(prompt.length),
    log1(question.length),
    log1(optionChars),
    options.length,
    log1(meanOpt),
    spread,
    options.length ? options.filter((o) => /^[-+$]?\d/.test(o)).length / options.length : 0,
    options.some((o) => /\b(all of the above|none of the above|both)\b/i.test(o)) ? 1 : 0,
    log1(words.length),
    log1(count(prompt, /\n/g)),
    log1(count(question, /[.!?](\s|$)/g)),
    log1(numbers),
    numbers / Math.max(1, words.length),
    log1(count(prompt, /[=+*/^<>√∫∑π×÷≤≥]/g)),
    /[$\\]/.test(prompt) ? 1 : 0,
    /\b(NOT|EXCEPT|LEAST)\b/.test(question) || /\b(not true|not correct|false|incorrect|except)\b/i.test(question) ? 1 : 0,
    /(^|\n)\s*(I|II|III|IV)[.)]\s/.test(prompt) || /\bI, II\b|\bII and III\b|\bI only\b/.test(prompt) ? 1 : 0,
    /Statement 1/i.test(prompt) ? 1 : 0,
    /\b(calculate|compute|how many|how much|what is the value|find|solve|determine)\b/i.test(question) ? 1 : 0,
    /\bwhich of the following\b/i.test(question) ? 1 : 0,
    /\b(best|most likely|primarily|most appropriate|main)\b/i.test(question) ? 1 : 0,
    /\b(why|explain|because|reason)\b/i.test(question) ? 1 : 0,
    question.includes('?') ? 1 : 0,
    /_{2,}|\.\.\.\s*$|[a-z,]\s*$/i.test(question.trimEnd()) && !question.trimEnd().endsWith('?') ? 1 : 0,
    letters / qn,
    rare / qn,
    unknown / qn,
    logRank / qn / 11,
    /```|\bdef |\bfunction\b|\breturn\b|;\n|\{\n/.test(prompt) ? 1 : 0,
  ];
  return Float64Array.from(f);
}
