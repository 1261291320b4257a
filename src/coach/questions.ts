/**
 * The examiner's question bank, written for voxlens. The speaking test runs in three parts: short
 * questions on familiar topics, a cue card to talk about for up to two minutes, then a discussion of
 * wider questions linked to the cue card's theme.
 */
export type Part = 1 | 2 | 3

export interface Question {
  id: string
  part: Part
  topic: string
  text: string
  /** Part 2 only: the points the learner should cover */
  cues?: string[]
}

const part1: Record<string, string[]> = {
  home: [
    'Do you live in a house or a flat?',
    'What do you like most about the place where you live?',
    'Is there anything you would change about your home?',
    'Do you plan to live there for a long time?',
    'How long have you lived in your town?'
  ],
  work_study: [
    'Do you work or are you a student?',
    'What do you enjoy most about your studies or your job?',
    'Is there anything difficult about it?',
    'What would you like to do in the future?',
    'How do you usually get to work or to class?'
  ],
  free_time: [
    'What do you like to do in your free time?',
    'Do you prefer spending free time alone or with friends?',
    'Has the way you spend your weekends changed since you were a child?',
    'Is there a new hobby you would like to try?',
    'How much time do you spend outdoors in a normal week?'
  ],
  food: [
    'What kind of food do you like to eat?',
    'Do you often cook at home?',
    'Is there a dish from your country that visitors should try?',
    'Do you prefer eating at home or in restaurants?',
    'Have your eating habits changed in recent years?'
  ]
}

const part2: Array<{ topic: string; text: string; cues: string[] }> = [
  {
    topic: 'travel',
    text: 'Describe a journey you remember well.',
    cues: ['where you went', 'how you travelled', 'who you were with', 'and explain why you remember this journey']
  },
  {
    topic: 'people',
    text: 'Describe a person who has helped you learn something important.',
    cues: ['who this person is', 'what they taught you', 'how they helped you', 'and explain why it was important to you']
  },
  {
    topic: 'technology',
    text: 'Describe a piece of technology you use every day.',
    cues: ['what it is', 'when you started using it', 'what you use it for', 'and explain how your life would be different without it']
  },
  {
    topic: 'places',
    text: 'Describe a place in your city where you like to spend time.',
    cues: ['where it is', 'how often you go there', 'what you do there', 'and explain why you like this place']
  }
]

const part3: Record<string, string[]> = {
  travel: [
    'Why do you think people enjoy travelling to other countries?',
    'How has tourism changed the places people visit?',
    'Will people travel more or less in the future, do you think?'
  ],
  people: [
    'What makes someone a good teacher?',
    'Do people learn more from their families or from school?',
    'How will the way people learn change in the next twenty years?'
  ],
  technology: [
    'How has technology changed the way families communicate?',
    'Are there any dangers in depending too much on technology?',
    'Should children be taught to program at school?'
  ],
  places: [
    'What makes a city a good place to live?',
    'Should governments spend more on parks and public spaces?',
    'How are cities likely to change in the coming decades?'
  ]
}

export const QUESTIONS: readonly Question[] = [
  ...Object.entries(part1).flatMap(([topic, texts]) => texts.map((text, i) => ({ id: `p1-${topic}-${i + 1}`, part: 1 as const, topic, text }))),
  ...part2.map((card) => ({ id: `p2-${card.topic}`, part: 2 as const, topic: card.topic, text: card.text, cues: card.cues })),
  ...Object.entries(part3).flatMap(([topic, texts]) => texts.map((text, i) => ({ id: `p3-${topic}-${i + 1}`, part: 3 as const, topic, text })))
]

export const PART1_TOPICS = Object.keys(part1)
export const PART2_TOPICS = part2.map((c) => c.topic)
export const TOPICS = [...new Set([...PART1_TOPICS, ...PART2_TOPICS])]

const byId = new Map(QUESTIONS.map((q) => [q.id, q]))
export const questionById = (id: string): Question | undefined => byId.get(id)

export type SessionPart = Part | 'full'

/**
 * The questions of one test, in the order the examiner asks them: four or five Part 1 questions on a
 * familiar topic, the cue card, then Part 3 questions on the cue card's theme. `topic` picks the
 * cue-card theme (and the Part 1 topic when it names one); otherwise `seed` picks, so a session
 * keeps its questions when it is resumed.
 */
export function scriptFor(part: SessionPart, topic: string | undefined, seed: number): Question[] {
  const pick = <T>(xs: readonly T[], n: number) => xs[Math.abs(seed + n) % xs.length]
  const p1Topic = topic && part1[topic] ? topic : pick(PART1_TOPICS, 0)
  const p2Topic = topic && PART2_TOPICS.includes(topic) ? topic : pick(PART2_TOPICS, 1)
  const p1 = QUESTIONS.filter((q) => q.part === 1 && q.topic === p1Topic).slice(0, 4)
  const p2 = QUESTIONS.filter((q) => q.part === 2 && q.topic === p2Topic)
  const p3 = QUESTIONS.filter((q) => q.part === 3 && q.topic === p2Topic)
  if (part === 1) return QUESTIONS.filter((q) => q.part === 1 && q.topic === p1Topic)
  if (part === 2) return p2
  if (part === 3) return p3
  return [...p1, ...p2, ...p3]
}

/** Whether a session topic names something in the bank; unknown topics are refused up front. */
export const isKnownTopic = (topic: string) => TOPICS.includes(topic)
