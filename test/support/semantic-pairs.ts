/** Hand-written prompt pairs for the semantic cache's decision (the rule-based guard and the learned verifier). */

/** Near misses: one token that changes the answer. Looked up at a low threshold (0.7) so only the guard stands between them and a wrong answer. */
export const NEAR_MISSES: Array<[cached: string, query: string, reason: RegExp]> = [
  ['What is 15% of 200?', 'What is 15% of 300?', /number/],
  ['Convert 100 USD to EUR', 'Convert 1000 USD to EUR', /number/],
  ['What happened in 1989 in Berlin?', 'What happened in 1991 in Berlin?', /number/],
  ['Give me three reasons to learn Rust', 'Give me five reasons to learn Rust', /number/],
  ['What is the capital of France?', 'What is the capital of Germany?', /entity/],
  ['How do I sort a list in Python?', 'How do I sort a list in JavaScript?', /entity/],
  ['Summarise the plot of Hamlet by Shakespeare', 'Summarise the plot of Macbeth by Shakespeare', /entity/],
  ['Is coffee good for your health?', 'Is coffee not good for your health?', /negation/],
  ['Why can I sleep at night?', "Why can't I sleep at night?", /negation/],
  ['Recipes with gluten', 'Recipes without gluten', /negation/],
  ['How do I declare a variable in C?', 'How do I declare a variable in C++?', /symbol/],
  ['How do I learn to play the guitar?', 'How do I learn to play the violin?', /rare word/],
  ['What are the side effects of ibuprofen?', 'What are the side effects of paracetamol?', /rare word/],
  ['How do I reverse a linked list in Python?', 'How do I reverse a list in Python?', /rare word/],
  ['Why is the sky blue?', 'When is the sky blue?', /question kind/],
  ['How do I cancel my subscription?', 'How do I cancel his subscription?', /person/],
  ['Export Asia to Europe trade volume', 'Export Europe to Asia trade volume', /order/],
  ['What kind of spider is this?', 'What kind of spider is this?!', /context/],
];

export const PARAPHRASES: Array<[cached: string, query: string]> = [
  ['What is the capital of France?', 'what is the capital of france'],
  ['What is the capital of France?', 'capital of France?'],
  ['How do I reverse a list in Python?', 'How can I reverse a list in Python?'],
  ['How do I make pancakes?', 'How do you make pancakes?'],
  ['Explain quantum entanglement', 'Explain quantum entanglment'],
  ['What are the benefits of meditation?', 'What are the benefits of meditating?'],
];
