/**
 * Hand-written cues per task class: regular expressions a reader would look for ("write a poem",
 * code fences, "solve", "act as"). They were the whole classifier once; now each class's cue score
 * is one input of the learned model (`task-model.ts`), which weighs them against the words.
 */
import type { BuiltInTaskClass } from './task-class-names.ts';

export interface Cue {
  pattern: RegExp;
  weight: number;
}

/** Only the head of a long prompt is read: the ask is nearly always near the start, and the cost stays bounded. */
export const HEAD_CHARS = 4_000;

export const CUES: Record<Exclude<BuiltInTaskClass, 'chat'>, Cue[]> = {
  coding: [
    { pattern: /```|^\s{4}\S.*[;{}]\s*$/m, weight: 3 },
    { pattern: /\b(python|javascript|typescript|java|c\+\+|c#|golang|rust|kotlin|swift|ruby|php|sql|bash|shell script|html|css|react|node\.?js|pandas|numpy|regex|json schema|dockerfile|kubernetes|yaml)\b/i, weight: 2.5 },
    { pattern: /\b(function|class|method|algorithm|compile[rd]?|debug|bug|stack trace|exception|api|endpoint|script|program|code|implement(ation)?|refactor|unit tests?|recursion|array|linked list|binary tree|hash ?map|complexity|o\(n|runtime error|syntax)\b/i, weight: 1.5 },
    { pattern: /\b(def|const|let|var|import|return|public static|#include|fn|func|SELECT|FROM)\b[^.?!]*[(){};=]/, weight: 2.5 },
    { pattern: /\b(postgres(ql)?|mysql|sqlite|database|query|queries|makefile|cmake|latex|\\usepackage|git|docker|linux|terminal|powershell|excel (formula|macro)|vba|spreadsheet formula|llvm|gpu|cuda|compiler|parser|library|framework|package|module|npm|pip|unity|godot|drupal|wordpress|django|flask|spring|\.net|android|ios app|web ?app|frontend|backend|server|client|http|websocket|thread|async|mutex)\b/i, weight: 1.25 },
    { pattern: /\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z][a-zA-Z]+\(|\w+\.\w+\(|=>|->|::|\$[a-z_]\w*|<\/?[a-z]+>/, weight: 1 },
  ],
  maths: [
    { pattern: /\b(solve|equation|inequalit(y|ies)|integral|derivative|differentiate|integrate|probability|theorem|prove that|proof|polynomial|matrix|eigen\w*|logarithm|factorial|prime numbers?|remainder|divisible|sum of|series|sequence|triangle|circle|radius|area of|volume of|perimeter|angle|vertices|modulo|combinatori\w*|permutations?|expected value|variance|geometric|arithmetic)\b/i, weight: 2 },
    { pattern: /\$[^$\n]{1,80}\$|\\(frac|sqrt|sum|int|cdot|times|leq|geq|mathbb|pi)\b|\b[a-z]\s*\^\s*\d|\bf\([a-z]\)|\d\s*[-+*/×÷^]\s*\d|[a-z]\s*[+\-*/=]\s*\d*[a-z]\b/i, weight: 2 },
    { pattern: /\b(how many|how much|what is the (value|probability|sum|product|number)|calculate|compute|find the (value|number|sum|area|smallest|largest|minimum|maximum))\b/i, weight: 1 },
    { pattern: /\b(\d+(\.\d+)?\s*(%|percent|dollars|cents|km|miles|hours|minutes)|\$\d)/i, weight: 0.75 },
    { pattern: /\b(isomorphi\w*|homomorphi\w*|epimorphism|group|ring|field|vector space|topolog\w*|manifold|formula for|closed form|asymptotic|converge\w*|limit of|real numbers|rational numbers|integers?|natural numbers|modular|gcd|lcm|digits?)\b/i, weight: 1.25 },
    { pattern: /(求|计算|證明|证明|方程|概率|倍数|整数|函数|数学|경우의 수|구하시오|확률|방정식|정수|求め|計算|確率|方程式)|(?<![\p{L}])(найди|найдите|вычисли\p{L}*|докажи|докажите|уравнени\p{L}*|вероятност\p{L}*|числ[оа]|сумм[аы]|tính|phương trình|calcule|calcula|ecuación|probabilidad|équation|berechne|wahrscheinlichkeit)(?![\p{L}])/iu, weight: 2 },
  ],
  reasoning: [
    { pattern: /\b(riddle|puzzle|logic(al)?|deduce|infer|true, false,? or uncertain|which (one|word) does not belong|what is the relationship between|brain ?teaser|if .{3,60}, (then|what|who|where|which))\b/i, weight: 2 },
    { pattern: /\b(each of (them|whom)|has (\w+ )?(sisters|brothers)|overtake[ns]?|facing (north|south|east|west|a)|to (his|her|your) (left|right)|statements?)\b/i, weight: 1.5 },
    { pattern: /\b(what could be the reasons?|explain your reasoning|step by step|think carefully|why would)\b/i, weight: 1 },
  ],
  writing: [
    { pattern: /\b(write|compose|draft|craft|pen|create|rewrite|edit|proofread|polish|paraphrase|translate)\b[^.?!\n]{0,60}\b(story|stories|poem|poetry|haiku|sonnet|limerick|song|lyrics|essay|email|letter|blog|post|article|speech|tweet|slogan|headline|tagline|script|screenplay|dialogue|novel|chapter|paragraph|description|review|cover letter|outline|caption|bio|toast|eulogy|ad copy|newsletter|press release)/i, weight: 3 },
    { pattern: /\b(story|poem|fiction(al)?|narrative|plot|character|protagonist|villain|scene|verse|rhym\w+|creative(ly)?|imaginative|vivid|imagery|tone|persuasive|catchy)\b/i, weight: 1 },
    { pattern: /\b(correct (any )?grammatical|fix the grammar|improve (this|the following) (text|paragraph|essay)|edit the following)\b/i, weight: 2 },
    { pattern: /\b(lyrics|song|rap|ballad|stanza|poem|story|tale|diary|journal entr\w*|fan ?fic\w*|continue (this|the) story|in the style of|limerick|haiku|monologue|sketch|joke|roast|comedy|satir\w*)\b/i, weight: 2 },
    // Other languages: scripts without word spaces by substring, Latin and Cyrillic words whole.
    { pattern: /(写|作文|小说|诗|歌词|日记|故事|散文|文案|詩|物語|歌詞|小説|書いて|詠んで|시를|소설|이야기|가사)|(?<![\p{L}])(напиши|придумай|сочини|стих\p{L}*|песн\p{L}*|рассказ\p{L}*|рифм\p{L}*|сказк\p{L}*|viết|bài thơ|bài rap|truyện|nhật ký|escreva|escribe|écris|schreib\p{L}*|poema|poesía|canción|cuento|gedicht|geschichte|lied)(?![\p{L}])/iu, weight: 3 },
  ],
  extraction: [
    { pattern: /\b(extract|identify the (named )?entities|named entities|parse|pull out|list all (the )?(names|dates|numbers|entities))\b/i, weight: 3 },
    { pattern: /\b(output|return|format|present|respond|generate)\b[^.?!\n]{0,40}\b(json|csv|yaml|xml|table|key-value|dictionary)\b|\bin (json|csv|yaml) format\b/i, weight: 2 },
    { pattern: /\b(the following|given (the|these) (text|data|records|reviews|passage|paragraph|article)|from the (text|passage|article|document) (below|above)|below (text|passage))\b/i, weight: 1 },
    { pattern: /\b(classify|categori[sz]e|assign (them|each) to|rate (them|each)|on a scale of|sentiment|count how many times)\b/i, weight: 1.5 },
  ],
  roleplay: [
    { pattern: /\b(act as|acting as|pretend (to be|you are|yourself)|role-?play|take on the (role|persona)|assume the (role|persona)|embrace the role|embody|in character|stay in character|play the (role|part) of|persona of|speak like|you are now|now you are|imagine yourself as|picture yourself as)\b/i, weight: 3.5 },
    { pattern: /^(you are|suppose you are|imagine you are) (a|an|the) [^.?!\n]{2,60}[.,]/i, weight: 1.5 },
  ],
  knowledge: [
    { pattern: /^(what|who|when|where|which|why|how) (is|are|was|were|did|does|do|has|have)\b/i, weight: 1 },
    { pattern: /\b(explain|describe|what is the (difference|meaning|history|cause|role|purpose|concept)|tell me about|overview of|compare|discuss|outline|elaborate|define|definition of|principles?|theory|concept)\b/i, weight: 1.25 },
    { pattern: /\b(history|historical|economy|economic|politic\w*|philosoph\w*|physics|chemistry|chemical|biology|biological|molecular|quantum|geography|climate|law|legal|culture|cultural|religion|literature|psychology|medicine|medical|astronomy|planet|evolution|photosynthesis|machine learning|market|inflation|gdp|democracy|war|empire|century)\b/i, weight: 1 },
  ],
};

/** Cue score of each class on `head` (the classes in CUES order). */
export function cueScores(head: string): number[] {
  return CUE_CLASSES.map((taskClass) => {
    let score = 0;
    for (const cue of CUES[taskClass]) if (cue.pattern.test(head)) score += cue.weight;
    return score;
  });
}

export const CUE_CLASSES = Object.keys(CUES) as Array<keyof typeof CUES>;
