import { createEmptyCard, fsrs, Rating, State, type Card, type Grade, type ReviewLog } from 'ts-fsrs'
import type { ErrorType } from './types.js'

export interface DrillContent {
  title: string
  instruction: string
  example: string
  /** sentences to say aloud or to fix */
  items: string[]
}

/** What to practise for each kind of error found; written for voxlens. */
export const DRILLS: Record<ErrorType, DrillContent> = {
  article: {
    title: 'A, an or the',
    instruction: 'Say each sentence aloud with the right article.',
    example: 'I saw (a/an) elephant -> I saw an elephant.',
    items: ['I waited for ___ hour.', 'She is ___ university student.', 'We visited ___ old castle by ___ sea.', 'He wants to be ___ engineer.']
  },
  agreement: {
    title: 'Subject and verb agree',
    instruction: 'Correct the verb, then say the sentence aloud.',
    example: 'She go to work by bus -> She goes to work by bus.',
    items: ['My brother live in Tashkent.', 'There is many parks in my city.', "He don't like coffee.", 'People is very friendly here.']
  },
  tense: {
    title: 'Past forms after "did", and the present perfect',
    instruction: 'Correct the verb, then say the sentence aloud.',
    example: 'Did you went there? -> Did you go there? I live here since 2015 -> I have lived here since 2015.',
    items: ['Did she saw the film?', "I didn't bought anything.", 'I know him for ten years.', 'She works here since 2020.']
  },
  preposition: {
    title: 'Verbs and their prepositions',
    instruction: 'Fill the gap (or remove the extra word) and say the sentence.',
    example: 'We discussed about the plan -> We discussed the plan.',
    items: ['I am interested ___ history.', 'She is married ___ a doctor.', 'It depends ___ the weather.', 'I like listening ___ music.']
  },
  word_order: {
    title: 'Subject, verb, object',
    instruction: 'Put the verb straight after the subject (and the intensifier in the right place), then say the sentence.',
    example: 'I English study -> I study English; I very like football -> I really like football.',
    items: ['I very love my city.', 'She very enjoys cooking.', 'We football play on Sundays.', 'My brother Russian speaks well.']
  },
  comparative: {
    title: 'Comparatives',
    instruction: 'Use "more" or -er, not both.',
    example: 'more taller -> taller',
    items: ['My city is more bigger than yours.', 'This is the most easiest way.', 'Life is more cheaper in villages.']
  },
  pronoun: {
    title: 'He or she',
    instruction: 'Tell a short story about a woman and a man in your family, checking every he, she, his and her.',
    example: 'My mother is a teacher. He works ... -> She works ...',
    items: ["Describe your mother's job in three sentences.", "Describe your brother's hobby in three sentences."]
  },
  verb_form: {
    title: 'Verb forms',
    instruction: 'Correct the verb form and say the sentence.',
    example: 'I am agree -> I agree; I have went -> I have gone.',
    items: ['I am agree with you.', 'She has went home.', 'They have ate already.']
  },
  plural: {
    title: 'Plural after numbers',
    instruction: 'Say each phrase with the plural noun, then make a sentence with it.',
    example: 'two book -> two books; three child -> three children',
    items: ['I have two brother.', 'We stayed there for five day.', 'Many person came.', 'She speaks three language.']
  },
  filler: {
    title: 'Silent pauses instead of "um"',
    instruction: 'Answer each question for 30 seconds; when you need time, pause silently or say "let me think".',
    example: 'Um, I, uh, like ... -> Let me think ... I like ...',
    items: ['What did you do last weekend?', 'Describe your favourite room.', 'What is your favourite season and why?']
  },
  repetition: {
    title: 'Plan, then say it once',
    instruction: 'Read the question, plan the first phrase of your answer in your head, then answer without repeating words.',
    example: 'I I think the the best ... -> I think the best ...',
    items: ['What would you change about your town?', 'Who is your best friend?', 'What makes a good holiday?']
  },
  grammar: {
    title: 'Accurate sentences',
    instruction: 'Say each sentence correctly, then make one more of your own with the same pattern.',
    example: 'It was a elephant -> It was an elephant.',
    items: ['Everyone have a phone now.', 'If I will have time, I will come.', 'I am living here since 2019.']
  }
}

/** The drill for an error type as stored (a type no longer known gets the general one). */
export const drillFor = (errorType: string): DrillContent => DRILLS[errorType as ErrorType] ?? DRILLS.grammar

/** Review outcomes as the API names them; `quality` 0-5 (SM-2's scale) maps onto them. */
export type DrillRating = 'again' | 'hard' | 'good' | 'easy'
export const RATINGS: Record<DrillRating, Grade> = { again: Rating.Again, hard: Rating.Hard, good: Rating.Good, easy: Rating.Easy }
export const ratingFromQuality = (q: number): DrillRating => (q <= 2 ? 'again' : q === 3 ? 'hard' : q === 4 ? 'good' : 'easy')

// Fuzz off: the date a learner is shown is the date FSRS computed, reproducible from the stored reviews.
export const scheduler = fsrs({ enable_fuzz: false })

export const newCard = (now: Date): Card => createEmptyCard(now)

/** Cards travel through JSON columns; dates come back as strings. */
export function cardFromJson(json: unknown): Card {
  const c = json as Record<string, unknown>
  return { ...(c as unknown as Card), due: new Date(c.due as string), last_review: c.last_review ? new Date(c.last_review as string) : undefined }
}

export function review(card: Card, rating: DrillRating, now: Date): { card: Card; log: ReviewLog } {
  return scheduler.next(card, now, RATINGS[rating])
}

export const stateName = (s: State) => State[s].toLowerCase()

export interface PlannedDrill {
  id: string
  dueAt: Date
  isNew: boolean
}

/** New drills added per day: enough to keep moving, few enough that reviews stay the main work. */
export const NEW_PER_DAY = 2

/**
 * Spreads drills over the next `days` days from `now`: a drill already learnt goes on the day it is
 * due (or today when overdue), new drills fill the days NEW_PER_DAY at a time, in the given order.
 */
export function plan<T extends PlannedDrill>(drills: T[], now: Date, days: number): Array<{ date: string; tasks: T[] }> {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const out = Array.from({ length: days }, (_, i) => ({ date: new Date(dayStart.getTime() + i * 86400_000).toISOString().slice(0, 10), tasks: [] as T[] }))
  let fresh = 0
  for (const d of drills) {
    if (d.isNew) {
      const day = Math.floor(fresh / NEW_PER_DAY)
      fresh++
      if (day < days) out[day].tasks.push(d)
      continue
    }
    const day = Math.max(0, Math.floor((d.dueAt.getTime() - dayStart.getTime()) / 86400_000))
    if (day < days) out[day].tasks.push(d)
  }
  return out
}
