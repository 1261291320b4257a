import type { Mistake, MistakeCategory } from './types.js'

interface Filled {
  /** the learner's words that were wrong */
  wrong: string
  /** what replaces them */
  fix: string
  /** the word the rule hinged on (a time word, a subject, a noun) */
  hint: string
}

/**
 * One short explanation per kind of mistake, in Romanized Hinglish as the app's learners speak it:
 * the rule in Hindi grammar words they know, the English words quoted.
 */
const TEMPLATES: Record<MistakeCategory, (f: Filled) => string> = {
  continuous: (f) => `Yahan '${f.fix}' use karna chahiye kyunki yeh present continuous tense hai.`,
  be_with_verb: (f) => `'${f.fix}' khud ek verb hai, iske saath '${f.hint}' nahi lagta. Isliye '${f.fix}' kehna sahi hai.`,
  past_tense: (f) => `'${f.hint}' beete hue samay ki baat hai, isliye verb ka past form '${f.fix}' aayega, '${f.wrong}' nahi.`,
  there_are: (f) => `'${f.hint}' plural hai, isliye '${f.wrong}' ki jagah '${f.fix}' aayega.`,
  agreement: (f) => `'${f.hint}' ke saath '${f.wrong}' nahi, '${f.fix}' aata hai; subject aur verb ka match hona zaroori hai.`,
  verb_form: (f) => `Yahan verb ka sahi form '${f.fix}' hai, '${f.wrong}' nahi.`,
  uncountable: (f) => `'${f.hint}' uncountable noun hai, iska plural nahi banta. Isliye '${f.fix}' kaho.`,
  article: (f) => `'${f.hint}' se pehle article chahiye, isliye '${f.fix}' kehna sahi hai.`,
  article_an: (f) => `'${f.hint}' vowel sound se shuru hota hai, isliye wahan '${f.fix}' aayega. Consonant sound se pehle 'a' lagta hai.`,
  double_negative: (f) =>
    `'${f.hint}' pehle se negative hai, English mein ek sentence mein do negative nahi lagte. Isliye '${f.wrong}' ki jagah '${f.fix}' bolo.`,
  repetition: (f) => `'${f.hint}' do baar aa gaya hai, ek baar kaafi hai.`,
  redundancy: (f) => `'${f.wrong}' mein ek hi baat do baar ho rahi hai; sirf '${f.fix}' kaafi hai.`,
  spelling: (f) => `'${f.wrong}' ki sahi spelling '${f.fix}' hai.`,
  capitalization: (f) => `'${f.fix}' hamesha capital letter se likha jaata hai.`,
  general: (f) => `Yahan '${f.wrong}' ki jagah '${f.fix}' zyada sahi hai.`
}

/** The explanation of one mistake, filled with the learner's own words. */
export function explain(text: string, mistake: Mistake): string {
  const wrong = text.slice(mistake.start, mistake.end).trim()
  const fix = mistake.replacement.trim() || wrong
  return TEMPLATES[mistake.category]({ wrong, fix, hint: mistake.hint ?? wrong })
}
