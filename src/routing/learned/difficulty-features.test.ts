import { describe, expect, it } from 'vitest';
import { defaultWordTable } from '../../language/word-table.ts';
import { DIFFICULTY_FEATURE_COUNT, DIFFICULTY_FEATURE_NAMES, difficultyFeatures, questionParts } from './difficulty-features.ts';

const table = defaultWordTable();
const at = (f: Float64Array, name: (typeof DIFFICULTY_FEATURE_NAMES)[number]) => f[DIFFICULTY_FEATURE_NAMES.indexOf(name)]!;

const MC = 'Which of the following is NOT a prime number?\nA. 2\nB. 3\nC. 9\nD. 11\nAnswer:';

describe('questionParts', () => {
  it('splits the stem from lettered options, joining an option that spills over a line', () => {
    expect(questionParts(MC)).toEqual({ question: 'Which of the following is NOT a prime number?', options: ['2', '3', '9', '11'] });
    const spill = questionParts('Pick one\nA. a long\noption text\nB. short\nAnswer:');
    expect(spill.options).toEqual(['a long option text', 'short']);
  });

  it('treats a prompt without options as all question', () => {
    expect(questionParts('How many eggs are left?')).toEqual({ question: 'How many eggs are left?', options: [] });
    // A lone "A." line is not an option list.
    expect(questionParts('Intro\nA. only one\nAnswer:').options).toEqual([]);
  });
});

describe('difficultyFeatures', () => {
  it('reads negation, numeric options and the which-of-the-following cue', () => {
    const f = difficultyFeatures(MC, table);
    expect(f).toHaveLength(DIFFICULTY_FEATURE_COUNT);
    expect(at(f, 'negated_question')).toBe(1);
    expect(at(f, 'option_count')).toBe(4);
    expect(at(f, 'options_numeric_share')).toBe(1);
    expect(at(f, 'cue_which_of_following')).toBe(1);
    expect(at(f, 'question_mark')).toBe(1);
  });

  it('sees roman-numeral statements, maths and rare words', () => {
    const f = difficultyFeatures('Consider\nI. x = 2\nII. y > 3\nWhich are true?\nA. I only\nB. II only\nC. both\nD. neither', table);
    expect(at(f, 'roman_statements')).toBe(1);
    expect(at(f, 'log_math_symbols')).toBeGreaterThan(0);
    expect(at(f, 'options_all_none_both')).toBe(1);
    const rare = difficultyFeatures('The stylomastoid foramen transmits which nerve?', table);
    const common = difficultyFeatures('The house has which colour door?', table);
    expect(at(rare, 'rare_word_share')).toBeGreaterThan(at(common, 'rare_word_share'));
  });

  it('is finite on empty, huge and odd input', () => {
    for (const p of ['', '\n\n', 'A.\nB.', 'x'.repeat(200_000), '__proto__ constructor']) {
      const f = difficultyFeatures(p, table);
      expect(f.every(Number.isFinite)).toBe(true);
    }
  });
});
