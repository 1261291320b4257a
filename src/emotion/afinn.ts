import { createRequire } from 'node:module'
import Sentiment from 'sentiment'

const require = createRequire(import.meta.url)
const english = require('sentiment/languages/en/index') as Sentiment.LanguageModule
const sentiment = new Sentiment()
// Copied once at load, before anything could have changed the package's shared table.
const AFINN: Record<string, number> = { ...english.labels }

/**
 * An AFINN scorer with some words re-scored. `sentiment`'s own `extras` option writes them into the
 * package's one shared English table, so one caller's changes would leak into every other scorer in
 * the process (the emotion stage's scores would depend on whether a call had been analysed before);
 * each scorer here is a language of its own, with English negation ("not good").
 */
export function afinnScorer(name: string, overrides: Record<string, number>): (text: string) => number {
  const language = `en-${name}`
  sentiment.registerLanguage(language, { labels: { ...AFINN, ...overrides }, scoringStrategy: english.scoringStrategy })
  return (text) => sentiment.analyze(text, { language }).score
}
