/**
 * Built-in call analysis against our labelled call transcripts (test/fixtures/call-transcripts):
 * tag, intent, mood and resolution accuracy on the dev and held-out parts, for today's analyzer and,
 * in the same run, for the analyzer of an earlier commit (default: the one before the conversation-wide
 * rewrite), checked out of git into a temporary directory.
 *
 *   npm run bench:analysis [-- --baseline <commit>] [-- --verbose]
 *
 * Each transcript goes through what the pipeline does after recognition: turns get times from their
 * word count, the emotion stage's text reading labels every turn (no audio, so no arousal), then the
 * analyzer reads the whole conversation.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { readCall, type Outcome } from '../src/analysis/builtin/index.js'
import type { Analysis, AnalysisInput } from '../src/analysis/index.js'
import { toResult } from '../src/emotion/aggregate.js'
import { combine } from '../src/emotion/combine.js'
import { readText } from '../src/emotion/text.js'
import { EMOTION_LABELS } from '../src/emotion/types.js'

const ROOT = resolve(import.meta.dirname, '..')
const FIXTURES = join(ROOT, 'test/fixtures/call-transcripts')
/** The analyzer before it read both sides of the call; override with --baseline. */
const DEFAULT_BASELINE = '8a89ddfb6c01fec251ec639f4892f9d9f5d5bf2c'

interface Gold {
  tags: string[]
  intent: string
  mood: string
  outcomes: Outcome[]
}
interface Call {
  id: string
  domain: string
  style: 'written' | 'recognised'
  turns: [speaker: string, text: string][]
  gold: Gold
}
interface Reading {
  analysis: Analysis
  outcomes: string[]
  /** sentiment label the emotion stage gave each turn */
  sentiments: string[]
}
interface Version {
  name: string
  read(input: AnalysisInput): Reading
}
type TextReader = { readText: typeof readText; combine: typeof combine; toResult: typeof toResult }

const WORDS_PER_SECOND = 2.6
const GAP = 0.4
// Turns whose words apologise or sympathise; the emotion stage should not call them negative.
const APOLOGY = /\b(sorry|apologi[sz]e|apologies|understand (your|how)|must be (so |very |really )?\w+ing)\b/i
const RESOLVED = new Set(['fixed', 'booked', 'credited', 'refunded', 'cancelled', 'sold', 'answered'])

const load = (file: string): Call[] => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'))

/** The pipeline's view of a transcript: timed turns labelled by the emotion stage's text reading. */
function inputOf(call: Call, reader: TextReader): AnalysisInput {
  let at = 0
  const utterances = call.turns.map(([speaker, text]) => {
    const start = at
    const end = start + Math.max(0.6, text.split(/\s+/).length / WORDS_PER_SECOND)
    at = end + GAP
    const r = reader.toResult(reader.combine(reader.readText(text), 0, {}))
    return { speaker, start, end, text, emotion: r.emotion, sentiment: r.sentiment, sentiment_score: r.sentimentScore }
  })
  return { utterances, transcript: utterances.map((u) => u.text).join(' '), durationSeconds: at, language: 'en' }
}

/** Resolution as the older analyzer reported it: only in its insights and the sale tag. */
function insightOutcomes(a: Analysis): string[] {
  const out = new Set<string>()
  for (const insight of a.insights) {
    if (insight === 'The issue was resolved during the call.') out.add('fixed')
    if (insight === 'The agent confirmed the cancellation.') out.add('cancelled')
    if (/^(Follow-up promised|A follow-up was promised)/.test(insight)) out.add('follow-up')
    if (insight === 'Call ended without resolution.' || insight === 'The cancellation was not confirmed during the call.') out.add('unresolved')
  }
  if (a.tags.includes('sale')) out.add('sold')
  if (out.has('unresolved') && out.size > 1) out.delete('unresolved')
  return [...out]
}

const status = (outcomes: string[]) =>
  outcomes.some((o) => RESOLVED.has(o)) ? 'resolved' : outcomes.length === 0 ? 'none' : outcomes.includes('unresolved') ? 'unresolved' : 'pending'
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

interface Score {
  tags: number
  tagF1: number
  intent: number
  mood: number
  outcomes: number
  status: number
  offVocabulary: number
  apologyNegative: string
  misses: string[]
}

function score(version: Version, calls: Call[]): Score {
  let tags = 0,
    intent = 0,
    mood = 0,
    outcomes = 0,
    resolved = 0,
    tp = 0,
    fp = 0,
    fn = 0,
    emotions = 0,
    off = 0,
    apologies = 0,
    negative = 0
  const misses: string[] = []
  for (const call of calls) {
    const r = version.read(inputOfFor(version, call))
    const a = r.analysis
    const g = call.gold
    const hits = {
      tags: sameSet(a.tags, g.tags),
      intent: a.intent === g.intent,
      mood: a.mood === g.mood,
      outcomes: sameSet(r.outcomes, g.outcomes),
      status: status(r.outcomes) === status(g.outcomes)
    }
    tags += +hits.tags
    intent += +hits.intent
    mood += +hits.mood
    outcomes += +hits.outcomes
    resolved += +hits.status
    tp += a.tags.filter((t) => g.tags.includes(t)).length
    fp += a.tags.filter((t) => !g.tags.includes(t)).length
    fn += g.tags.filter((t) => !(a.tags as string[]).includes(t)).length
    emotions += a.emotions.length
    off += a.emotions.filter((e) => !(EMOTION_LABELS as readonly string[]).includes(e)).length
    call.turns.forEach(([, text], i) => {
      if (!APOLOGY.test(text)) return
      apologies++
      if (r.sentiments[i] === 'NEGATIVE') negative++
    })
    const wrong = Object.entries(hits)
      .filter(([, ok]) => !ok)
      .map(([k]) => k)
    if (wrong.length)
      misses.push(
        `${call.id}: ${wrong.join(', ')} | tags ${JSON.stringify(a.tags)} vs ${JSON.stringify(g.tags)}; intent ${a.intent}/${g.intent}; ` +
          `mood ${a.mood}/${g.mood}; outcomes ${JSON.stringify(r.outcomes)} vs ${JSON.stringify(g.outcomes)}`
      )
  }
  const n = calls.length
  return {
    tags: tags / n,
    tagF1: (2 * tp) / Math.max(1, 2 * tp + fp + fn),
    intent: intent / n,
    mood: mood / n,
    outcomes: outcomes / n,
    status: resolved / n,
    offVocabulary: emotions ? off / emotions : 0,
    apologyNegative: `${negative}/${apologies}`,
    misses
  }
}

const readers = new Map<Version, TextReader>()
const inputOfFor = (version: Version, call: Call) => inputOf(call, readers.get(version)!)

/** Today's analyzer and emotion text reading. */
function current(): Version {
  const v: Version = {
    name: 'now',
    read(input) {
      const { analysis, resolution } = readCall(input)
      return { analysis, outcomes: resolution.outcomes, sentiments: input.utterances.map((u) => u.sentiment ?? '') }
    }
  }
  readers.set(v, { readText, combine, toResult })
  return v
}

/** The analyzer and emotion text reading of `commit`, from git into a scratch directory. */
async function baseline(commit: string): Promise<{ version: Version; cleanup: () => void } | { error: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'voxlens-baseline-'))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  try {
    const archive = execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', commit, 'src/analysis', 'src/emotion', 'src/schemas', 'src/stt/types.ts'], {
      maxBuffer: 64 << 20
    })
    execFileSync('tar', ['-x', '-C', dir], { input: archive })
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
    const old = await import(join(dir, 'src/analysis/builtin/index.ts'))
    const text = await import(join(dir, 'src/emotion/text.ts'))
    const comb = await import(join(dir, 'src/emotion/combine.ts'))
    const agg = await import(join(dir, 'src/emotion/aggregate.ts'))
    const v: Version = {
      name: commit.slice(0, 7),
      read(input) {
        const analysis = old.analyzeConversation(input) as Analysis
        return { analysis, outcomes: insightOutcomes(analysis), sentiments: input.utterances.map((u) => u.sentiment ?? '') }
      }
    }
    readers.set(v, { readText: text.readText, combine: comb.combine, toResult: agg.toResult })
    return { version: v, cleanup }
  } catch (err) {
    cleanup()
    return { error: (err as Error).message.split('\n')[0] }
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`.padStart(6)

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const commit = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : DEFAULT_BASELINE
  const verbose = args.includes('--verbose')
  const splits: [string, Call[]][] = [
    ['dev', load('dev.json')],
    ['held-out', load('held-out.json')]
  ]
  const versions: Version[] = []
  const old = await baseline(commit)
  if ('error' in old) console.log(`baseline ${commit.slice(0, 7)} unavailable: ${old.error}`)
  else versions.push(old.version)
  versions.push(current())

  console.log(
    `${'split'.padEnd(9)} ${'calls'.padStart(5)} ${'analyzer'.padEnd(9)} ${'tags'.padStart(6)} ${'tagF1'.padStart(6)} ${'intent'.padStart(6)} ${'mood'.padStart(6)} ` +
      `${'outcome'.padStart(7)} ${'status'.padStart(6)} ${'off-vocab'.padStart(9)} ${'apology-neg'.padStart(11)}`
  )
  for (const [split, calls] of splits) {
    for (const v of versions) {
      const s = score(v, calls)
      console.log(
        `${split.padEnd(9)} ${String(calls.length).padStart(5)} ${v.name.padEnd(9)} ${pct(s.tags)} ${pct(s.tagF1)} ${pct(s.intent)} ${pct(s.mood)} ` +
          `${pct(s.outcomes).padStart(7)} ${pct(s.status)} ${pct(s.offVocabulary).padStart(9)} ${s.apologyNegative.padStart(11)}`
      )
      if (verbose) for (const m of s.misses) console.log(`    ${m}`)
    }
  }
  console.log(
    'tags: exact tag set; tagF1: micro F1 over tags; outcome: exact set of outcomes (booked, credited, refunded, fixed, cancelled, sold, answered, ' +
      'escalated, follow-up, unresolved); status: resolved / pending / unresolved / nothing to resolve; off-vocab: share of call-level emotions ' +
      'outside the emotion labels; apology-neg: apologising or sympathising turns the emotion stage called NEGATIVE. ' +
      `The baseline's outcomes are read from its insights and sale tag.`
  )
  if (!('error' in old)) old.cleanup()
}

await main()
