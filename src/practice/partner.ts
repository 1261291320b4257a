/**
 * The conversation partner used when no chat model is configured (or it failed). It does not
 * understand the learner: it spots a topic from keywords, acknowledges the message, and asks a
 * follow-up question from that topic, a different one each turn, so the learner keeps talking.
 */
interface Topic {
  name: string
  words: RegExp
  acknowledge: string[]
  questions: string[]
}

const TOPICS: Topic[] = [
  {
    name: 'food',
    words: /\b(eat|ate|food|rice|dal|roti|cook|cooked|dinner|lunch|breakfast|tea|coffee|hungry|biryani|restaurant)\b/i,
    acknowledge: ['That sounds tasty!', 'Food is always a good topic.', 'Nice, I like talking about food.'],
    questions: [
      'What is your favourite dish?',
      'Do you like cooking at home?',
      'What did you eat for breakfast today?',
      'Which street food do you like the most?'
    ]
  },
  {
    name: 'shopping',
    words: /\b(market|shop|shopping|buy|bought|mall|price|vegetables)\b/i,
    acknowledge: ['Going to the market can be fun.', 'Shopping is a good way to practise English too.'],
    questions: ['What do you usually buy at the market?', 'Do you prefer shopping online or in a shop?', 'Who goes shopping with you?']
  },
  {
    name: 'sport',
    words: /\b(cricket|football|play|played|plays|match|team|sport|sports|badminton|kabaddi|game)\b/i,
    acknowledge: ['Sports are great!', 'That sounds like fun.', 'I love hearing about games.'],
    questions: ['Which team do you support?', 'Who is your favourite player?', 'How often do you play?', 'Did you watch a match this week?']
  },
  {
    name: 'work',
    words: /\b(work|job|office|boss|company|salary|interview|colleague|colleagues)\b/i,
    acknowledge: ['Thanks for telling me about your work.', 'Work is a big part of life.'],
    questions: ['What do you do at work every day?', 'What do you like most about your job?', 'How do you travel to work?']
  },
  {
    name: 'study',
    words: /\b(school|college|exam|exams|study|studying|class|teacher|homework|university|english)\b/i,
    acknowledge: ['Studying takes effort, well done.', 'Learning is always worth it.'],
    questions: ['Which subject do you enjoy the most?', 'How do you practise English every day?', 'What is difficult for you in English?']
  },
  {
    name: 'family',
    words: /\b(family|mother|father|brother|sister|parents|son|daughter|wife|husband|friend|friends)\b/i,
    acknowledge: ['Family and friends are important.', 'That is nice to hear.'],
    questions: ['How many people are there in your family?', 'What do you like to do together?', 'Tell me about your best friend.']
  },
  {
    name: 'travel',
    words: /\b(travel|trip|visit|visited|holiday|train|bus|city|village|delhi|mumbai|goa|flight)\b/i,
    acknowledge: ['Travelling is exciting!', 'That sounds like a nice trip.'],
    questions: ['Which place would you like to visit next?', 'How did you travel there?', 'What did you like most about that place?']
  },
  {
    name: 'films',
    words: /\b(movie|movies|film|films|cinema|song|songs|music|actor|watch|watched|series)\b/i,
    acknowledge: ['Movies and music are a fun way to learn English.', 'Nice choice!'],
    questions: ['Who is your favourite actor?', 'What kind of movies do you like?', 'Which song do you listen to a lot these days?']
  }
]

const GENERAL: Topic = {
  name: 'general',
  words: /$^/,
  acknowledge: ['Thank you for sharing that.', 'I see.', 'That is interesting.'],
  questions: ['Can you tell me more about it?', 'How was your day today?', 'What do you like to do in your free time?', 'What are your plans for this weekend?']
}

export interface PartnerReply {
  text: string
  topic: string
}

/**
 * A reply to the learner's message: encouragement when it had a mistake, an acknowledgement of the
 * topic, and a follow-up question. `turn` (the learner's turns so far) picks a question not just asked.
 */
export function partnerReply(message: string, opts: { hadMistake: boolean; turn: number }): PartnerReply {
  const topic = TOPICS.find((t) => t.words.test(message)) ?? GENERAL
  const pick = <T>(list: T[]) => list[opts.turn % list.length]
  const greeting = /^\s*(hi|hello|hey|namaste|good (morning|evening|afternoon))\b/i.test(message)
  const opening = greeting ? 'Hello! Nice to meet you.' : pick(topic.acknowledge)
  const encouragement = opts.hadMistake ? 'Good try! ' : ''
  return { text: `${encouragement}${opening} ${pick(topic.questions)}`, topic: topic.name }
}
