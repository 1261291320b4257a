import type { AnalysisInput } from '../../src/analysis/index.js'
import type { Emotion } from '../../src/schemas/conversation.js'

type Turn = [speaker: string, text: string, emotion?: Emotion]

/** Written conversations of the kinds the builtin analyzer must get right. */
export const CONVERSATIONS = {
  purchase: [
    ['A', 'Thank you for calling Acme Telecom, this is Sarah. How can I help you?'],
    ['B', "Hi, my name is John Smith. I'd like to buy the premium plan for my family."],
    ['A', 'Great choice. The premium plan is forty dollars a month and includes unlimited data.'],
    ['B', 'How much is it if I add a second line?'],
    ['A', 'A second line is ten dollars a month.'],
    ['B', "Perfect, I'll take it with the second line."],
    ['A', 'Your order is confirmed. You will get a confirmation email today.'],
    ['B', 'Great, thank you so much!']
  ],
  wrongNumber: [
    ['A', 'Hello?'],
    ['B', 'Hi, is this Mike? I am calling about the car you are selling.'],
    ['A', "Sorry, I think you have the wrong number. There's no Mike here."],
    ['B', 'Oh, I must have dialed the wrong number. Sorry to bother you.'],
    ['A', 'No problem, bye.']
  ],
  complaint: [
    ['A', 'Thank you for calling Acme Telecom, how can I help you?'],
    ['B', 'This is the third time I am calling about my bill. I was overcharged again!', 'angry'],
    ['A', 'I am sorry to hear that. Let me check your account.'],
    ['B', 'This is ridiculous and unacceptable. I am so angry, nobody ever fixes anything.', 'angry'],
    ['A', 'I understand. I will escalate this to the billing team and we will call you back by Friday.'],
    ['B', 'I want a refund, not another promise. I am really frustrated.', 'angry']
  ],
  voicemail: [
    ['A', "Hi, this is Mike calling from Bright Dental. I'm calling about your appointment on Tuesday at 3 pm."],
    ['A', 'Please call me back at five five five one two three four when you get this. Thanks, bye.']
  ],
  support: [
    ['A', 'Thanks for calling Acme support, my name is Tom. How can I help you?'],
    ['B', "Hi, my internet is not working since this morning. The router shows a red light and I can't connect."],
    ['A', 'Let me check. Can you restart the router and tell me what the light does?'],
    ['B', 'Okay, I restarted it. The light is green now and it works again.'],
    ['A', 'Great, the issue is fixed then. Is there anything else I can help you with?'],
    ['B', "No, that's all, thank you."]
  ],
  cancellation: [
    ['A', 'Thank you for calling Acme Telecom, this is Sarah. How can I help you?'],
    ['B', 'Hi, I want to cancel my subscription. I am moving abroad next month.'],
    ['A', 'I am sorry to hear that. Can I offer you a discount to stay?'],
    ['B', 'No thanks, please cancel it at the end of the month.'],
    ['A', 'Okay, I will process the cancellation and send you an email confirmation.']
  ]
} satisfies Record<string, Turn[]>

export type ConversationName = keyof typeof CONVERSATIONS

/** What our offline recogniser produces: lowercase words, no punctuation. */
export const asRecognised = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()

/** Turns at 4 s each, as the pipeline hands them over; `recognised` strips case and punctuation. */
export function inputOf(name: ConversationName, recognised = false): AnalysisInput {
  const turns: Turn[] = CONVERSATIONS[name]
  const utterances = turns.map(([speaker, text, emotion], i) => ({
    speaker,
    start: i * 4,
    end: i * 4 + 3.8,
    text: recognised ? asRecognised(text) : text,
    ...(emotion && { emotion })
  }))
  return { utterances, transcript: utterances.map((u) => u.text).join(' '), durationSeconds: turns.length * 4, language: 'en' }
}
