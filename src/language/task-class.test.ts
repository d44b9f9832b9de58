import { describe, expect, it } from 'vitest';
import { createHashedEmbedder } from './embedder.ts';
import { classifyTask, createTaskClassifier } from './task-class.ts';

describe('classifyTask', () => {
  it.each([
    ['Write a Python function that reverses a linked list.', 'coding'],
    ['```js\nconst x = foo(;\n```\nWhy does this not compile?', 'coding'],
    ['Solve 3x + 4 = 10 for x.', 'maths'],
    ['What is the probability of rolling two sixes with two dice?', 'maths'],
    ['David has three sisters. Each of them has one brother. How many brothers does David have?', 'reasoning'],
    ['Write a short poem about the sea at night.', 'writing'],
    ['Напиши стихотворение о зиме.', 'writing'],
    ['Extract every person and company named in the following article and return them as JSON.', 'extraction'],
    ['Act as a pirate captain and stay in character for the rest of this conversation.', 'roleplay'],
    ['Explain the causes of the French Revolution.', 'knowledge'],
    ['hi there!', 'chat'],
    ['', 'chat'],
  ])('%s → %s', (prompt, expected) => {
    expect(classifyTask(prompt).taskClass).toBe(expected);
  });

  it('reads only the head of a huge prompt, so a 10 MB paste costs the same as a short one', () => {
    const huge = `Write a haiku about autumn. ${'lorem ipsum '.repeat(900_000)}`;
    expect(classifyTask(huge).taskClass).toBe('writing');
  });

  it('an operator class defined by examples wins when the prompt is close to them, and only then', () => {
    const classify = createTaskClassifier(createHashedEmbedder(), [
      { name: 'support-ticket', examples: ['My invoice shows the wrong amount, please refund me', 'I was charged twice for my subscription invoice', 'Refund the duplicate charge on my invoice'], threshold: 0.35 },
    ]);
    expect(classify('I was charged twice, refund my invoice please').taskClass).toBe('support-ticket');
    expect(classify('Write a Python function that sorts a list.').taskClass).toBe('coding');
  });
});
