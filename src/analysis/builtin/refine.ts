import { nlp } from './nlp.js'
import { properCase, QUESTION, splitRunOn } from './text.js'

const FILLERS: RegExp[] = [
  /\b(u+m+|u+h+|uhm|erm+|er|hmm+|ah)\b,?/gi,
  // "you know" and "like" are fillers only when they are not doing grammatical work ("do you know", "I'd like").
  /(?<!\b(do|did|does|don't|didn't|if|as|what|would|will|let me|let us|to|i|we)\s)\byou know\b,?/gi,
  /(?<!\b(i|you|we|they|he|she|would|wouldn't|i'd|you'd|we'd|they'd|really|don't|didn't|do|does|did|not|to|look|looks|looked|feel|feels|felt|sound|sounds|seem|seems|just|also|things|something|anything|nothing|more|much|is|was|it|it's|that's|what)\s)\blike\b,?/gi
]
const PROFANITY: Array<[RegExp, string]> = [
  [/\bwhat the (hell|fuck|heck)\b/gi, 'what'],
  [/\bpissed( off)?\b/gi, 'upset'],
  [/\b(shitty|crappy)\b/gi, 'poor'],
  [/\b(bullshit|crap)\b/gi, 'nonsense'],
  [/\b(fucking|freaking|frigging|effing|bloody|damn|damned|goddamn)\s+/gi, ''],
  [/\b(fuck|shit|damn|dammit|goddammit|hell|bastard|asshole|bitch)\b[,!]?/gi, '']
]
const INFORMAL: Array<[RegExp, string]> = [
  [/\bgonna\b/gi, 'going to'],
  [/\bwanna\b/gi, 'want to'],
  [/\bgotta\b/gi, 'have to'],
  [/\bgimme\b/gi, 'give me'],
  [/\basap\b/gi, 'as soon as possible'],
  [/\byeah\b/gi, 'yes'],
  [/^ok\b/gi, 'okay'],
  [/\bnope\b/gi, 'no'],
  [/\bshut up\b/gi, 'let me speak']
]
const REQUEST_VERBS = new Set(
  (
    'send give tell call email check fix get make show update bring book schedule help explain sort finish forward share review confirm ' +
    'cancel stop do put move change add remove delete reply answer come wait hurry read write sign pay print submit prepare find order ' +
    'keep turn open close arrange follow ship refund resend text'
  ).split(' ')
)
// Set phrases that look like orders but are not requests to the listener.
const NOT_REQUESTS = /^(have a|enjoy|thank|excuse|welcome|be |see you|take care|let's|let us|look forward|get well|sorry)/
const WHEN_NOW = /\s+(right now|now|immediately|at once)$/
const OPENER = /^(hello|hi|hey|okay|ok|alright|well|look|listen)(?:,?\s+)(?=\w)/i
// Where a run-on sentence turns into a demand: "this is ridiculous | i want my money back".
const DEMAND = /\s(?=(?:i want|i need|i would like|i'd like|i demand|i expect|give me|send me|tell me)\b)/i
const NOT_BEFORE_DEMAND = /\b(think|guess|said|say|know|that|because|if|and|but|so|when|what|why|where|how|maybe|really|just|also|still|hello|hi|hey)$/i

function request(action: string): string {
  const body = action
    .replace(/^please\s+/, '')
    .replace(/,?\s+(thanks|thank you)$/, '')
    .replace(/,?\s+please$/, '')
    .replace(WHEN_NOW, ' as soon as possible')
  return `Could you please ${body}?`
}

function isImperative(s: string): boolean {
  if (NOT_REQUESTS.test(s)) return false
  return REQUEST_VERBS.has(s.split(' ')[0]) || nlp(s).has('^#Imperative')
}

/** One sentence, lowercase-first and without its end mark, made polite. Returns it and whether it asked for something. */
function soften(sentence: string, mark: string): [string, boolean] {
  let s = sentence
  const lower = (s[0].toLowerCase() + s.slice(1)).replace(/^(so|and|just|now|well|okay so)\s+(?=\w)/i, '')
  let m: RegExpExecArray | null
  if ((m = /^(i want you to|i need you to|you need to|you must|you have to|you should|you better|you'd better)\s+(.+)/i.exec(lower)))
    return [request(m[2]), true]
  if ((m = /^(can|will|would|could) you (please )?(.+)/i.exec(lower))) return [request(m[3]), true]
  if (QUESTION.test(lower)) return [lower + '?', false]
  if (/^please\s+\w/.test(lower) || isImperative(lower)) return [request(lower), true]
  s = s[0].toLowerCase() + s.slice(1)
  s = s.replace(/^i want (the|a|an|my|your|some|this|that|to)\b/i, 'i would like $1')
  s = s.replace(/^i need (the|a|an|my|your|some|this|that|those|these)\b/i, 'i would appreciate $1')
  if (/^i would (like|appreciate)/.test(s)) s = s.replace(WHEN_NOW, ' as soon as possible').replace(/\s+please$/, ', please')
  return [s + (mark === '?' ? '?' : '.'), false]
}

function splitDemands(sentence: string): string[] {
  const parts = sentence.split(DEMAND)
  const out: string[] = []
  for (const p of parts.filter(Boolean)) {
    const prev = out[out.length - 1]
    if (prev && (prev.split(' ').length < 2 || NOT_BEFORE_DEMAND.test(prev))) out[out.length - 1] = `${prev} ${p}`
    else out.push(p)
  }
  return out
}

function sentencesOf(text: string): Array<[string, string]> {
  const pieces: Array<[string, string]> = /[.!?]/.test(text)
    ? [...text.matchAll(/([^.!?]+)([.!?]*)/g)].map((m) => [m[1].trim(), m[2][0] ?? ''])
    : splitRunOn(text.trim().split(/\s+/).filter(Boolean)).map((ws) => [ws.join(' '), ''])
  return pieces
    .flatMap(([s, mark]) => {
      const parts = splitDemands(s)
      return parts.map((p, i) => [p.trim(), i === parts.length - 1 ? mark : ''] as [string, string])
    })
    .filter(([s]) => s)
}

const tidy = (s: string) =>
  s
    .replace(/\s+([,.?!])/g, '$1')
    .replace(/,+/g, ',')
    .replace(/^[\s,]+|[\s,]+$/g, '')
    .replace(/\s+/g, ' ')

/**
 * Rule-based politeness rewrite: fillers and profanity out, shouting lowered, orders turned into
 * "Could you please ...?" requests, "I want" into "I would like", a closing thank-you when something
 * was asked, and sentence casing and punctuation fixed.
 */
export function refineText(text: string): string {
  let t = text
  for (const [re, by] of [...PROFANITY, ...INFORMAL]) t = t.replace(re, by)
  for (const re of FILLERS) t = t.replace(re, '')
  let asked = false
  const out = sentencesOf(t).flatMap(([raw, mark]) => {
    let s = tidy(raw)
    if (!s) return []
    if (s.split(' ').length >= 3 && s === s.toUpperCase() && /[A-Z]/.test(s)) s = s.toLowerCase()
    const opener = OPENER.exec(s)?.[1]
    if (opener) s = s.slice(OPENER.exec(s)![0].length)
    const [soft, isRequest] = soften(s, mark)
    asked ||= isRequest
    const cased = properCase(soft)
    const sentence = cased[0].toUpperCase() + cased.slice(1)
    return [
      opener
        ? `${opener[0].toUpperCase()}${opener.slice(1).toLowerCase()}, ${/^I\b/.test(sentence) ? sentence : sentence[0].toLowerCase() + sentence.slice(1)}`
        : sentence
    ]
  })
  if (asked && !/\b(thank|thanks)\b/i.test(out.join(' '))) out.push('Thank you.')
  return out.join(' ')
}
