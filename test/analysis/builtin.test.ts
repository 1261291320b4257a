import { describe, expect, it } from 'vitest'
import { Value } from 'typebox/value'
import { analyzeConversation, AnalysisSchema, createAnalyzer, refineText, type Analysis } from '../../src/analysis/index.js'
import { inputOf } from './conversations.js'

const builtin = { analyze: analyzeConversation, refine: refineText }
const FORMS = [
  ['written', false],
  ['recognised', true]
] as const

describe.each(FORMS)('builtin analysis of %s conversations', (_form, recognised) => {
  const analyze = (name: Parameters<typeof inputOf>[0]) => builtin.analyze(inputOf(name, recognised))

  function expectWellFormed(a: Analysis) {
    expect(Value.Check(AnalysisSchema, a)).toBe(true)
    const sentences = a.summary.match(/[^.?!]+[.?!]/g) ?? []
    expect(sentences.length).toBeGreaterThanOrEqual(2)
    expect(sentences.length).toBeLessThanOrEqual(3)
    // Recogniser text comes back capitalised and punctuated.
    for (const s of sentences) expect(s.trim().replace(/^(Agent|Customer|Caller|Recipient): /, '')).toMatch(/^[A-Z]/)
    expect(a.insights.length).toBeGreaterThanOrEqual(2)
    expect(a.insights.length).toBeLessThanOrEqual(3)
  }

  it('recognises a customer buying a plan', async () => {
    const a = await analyze('purchase')
    expectWellFormed(a)
    expect(a.tags).toEqual(expect.arrayContaining(['client wants to buy', 'sale']))
    expect(a.intent).toBe('purchase')
    expect(a.mood).toBe('positive')
    expect(a.roles).toEqual({ A: 'agent', B: 'customer' })
    expect(a.summary).toContain('premium plan')
    expect(a.insights).toContain('The customer agreed to buy the premium plan (forty dollars mentioned).')
    expect(a.entities).toEqual(
      expect.arrayContaining([
        { type: 'person', text: 'John Smith' },
        { type: 'organization', text: 'Acme Telecom' },
        { type: 'money', text: 'forty dollars' }
      ])
    )
  })

  it('recognises a wrong number', async () => {
    const a = await analyze('wrongNumber')
    expectWellFormed(a)
    expect(a.tags).toEqual(['wrong number'])
    expect(a.intent).toBe('other')
    expect(a.mood).toBe('neutral')
    expect(a.roles).toEqual({ A: 'recipient', B: 'caller' })
    expect(a.insights[0]).toBe('The caller was trying to reach Mike.')
  })

  it('recognises an angry complaint handed on to another team', async () => {
    const a = await analyze('complaint')
    expectWellFormed(a)
    expect(a.tags).toEqual(expect.arrayContaining(['complaint', 'needs follow-up']))
    expect(a.intent).toBe('complaint')
    expect(a.mood).toBe('negative')
    expect(a.emotions).toEqual(expect.arrayContaining(['angry', 'frustrated']))
    expect(a.summary).toMatch(/^Customer: .* Agent: I will escalate this to the billing team and we will call you back by Friday\. Outcome: /)
    expect(a.insights).toContain('Not resolved yet: escalated to the billing team and follow-up promised for Friday.')
  })

  it('recognises a voicemail asking for a callback', async () => {
    const a = await analyze('voicemail')
    expect(a.tags).toEqual(expect.arrayContaining(['voicemail', 'needs follow-up']))
    expect(a.roles).toEqual({ A: 'caller' })
    expect(a.insights[0]).toBe('The caller asked to be called back at 555-1234.')
    expect(a.entities).toEqual(
      expect.arrayContaining([
        { type: 'person', text: 'Mike' },
        { type: 'organization', text: 'Bright Dental' },
        { type: 'date', text: 'Tuesday' },
        { type: 'time', text: '3 pm' },
        { type: 'phone', text: '555-1234' }
      ])
    )
  })

  it('recognises a support question solved on the call', async () => {
    const a = await analyze('support')
    expectWellFormed(a)
    expect(a.tags).toContain('support')
    expect(a.tags).not.toContain('complaint')
    expect(a.intent).toBe('support')
    expect(a.mood).not.toBe('negative')
    expect(a.insights[0]).toBe('Resolved on the call: problem fixed during the call.')
    expect(a.summary).toMatch(/Outcome: Problem fixed during the call\.$/)
  })

  it('recognises a cancellation', async () => {
    const a = await analyze('cancellation')
    expectWellFormed(a)
    expect(a.intent).toBe('cancel')
    expect(a.tags).not.toContain('client wants to buy')
    expect(a.insights).toEqual(expect.arrayContaining(['Resolved on the call: subscription cancelled.', 'The customer asked to cancel.']))
    expect(a.summary).toMatch(/^Customer: Hi,? I want to cancel my subscription.* Agent: Okay,? I will process the cancellation/)
  })
})

describe('builtin analysis edge cases', () => {
  it('analyses a transcript without diarization', async () => {
    const a = await builtin.analyze({ utterances: [], transcript: 'i want to cancel my subscription please close my account today', durationSeconds: 6 })
    expect(a.intent).toBe('cancel')
    expect(a.roles).toEqual({})
    expect(a.summary).toMatch(/^I want to cancel my subscription/)
  })

  it('says so when nobody spoke', async () => {
    const a = await builtin.analyze({ utterances: [], transcript: '', durationSeconds: 3 })
    expect(a).toMatchObject({ summary: 'No speech was detected.', tags: ['other'], intent: 'other', mood: 'neutral' })
  })

  it('takes emotions from the emotion model', async () => {
    const input = inputOf('support')
    input.utterances[1].emotion = 'sad'
    expect(builtin.analyze(input).emotions).toContain('sad')
  })

  it('extracts written and spoken phone numbers, e-mails and times', async () => {
    const text = 'Reach me at +1 (555) 010-2030 or anna@example.org, or tomorrow at 10:30. also john at example dot com or five five five nine eight seven six'
    const a = await builtin.analyze({ utterances: [], transcript: text, durationSeconds: 10 })
    expect(a.entities).toEqual(
      expect.arrayContaining([
        { type: 'phone', text: '+1 (555) 010-2030' },
        { type: 'email', text: 'anna@example.org' },
        { type: 'time', text: '10:30' },
        { type: 'date', text: 'tomorrow' },
        { type: 'email', text: 'john@example.com' },
        { type: 'phone', text: '555-9876' }
      ])
    )
  })

  it('is what the analyzer returns without a chat model, with its own prompt version', async () => {
    const result = await createAnalyzer({ timeoutSeconds: 1 }).analyze(inputOf('purchase'))
    expect(result.provider).toBe('builtin')
    expect(result.promptVersion).toBe('builtin.v2')
    expect(result.error).toBeUndefined()
  })
})

describe('builtin analysis of what a call achieved', () => {
  const call = (...turns: [string, string][]) =>
    builtin.analyze({
      utterances: turns.map(([speaker, text], i) => ({ speaker, text, start: i * 4, end: i * 4 + 3.8 })),
      transcript: turns.map((t) => t[1]).join(' '),
      durationSeconds: turns.length * 4
    })
  const agent = 'thanks for calling acme support this is tom how can i help'

  it('does not count a refusal or a condition as a commitment', async () => {
    const a = call(
      ['A', agent],
      ['B', 'i want to cancel my subscription you charged me again'],
      ['A', "i'm sorry without the account number i can't cancel it"],
      ['A', "if you find the number please call us back and we'll cancel it right away"],
      ['B', 'this is ridiculous']
    )
    expect(a.insights).toContain('The cancellation was not confirmed during the call.')
    expect(a.tags).toEqual(expect.arrayContaining(['support', 'needs follow-up']))
    expect(a.summary).toMatch(/Outcome: No resolution during the call\.$/)
  })

  it('names refunds and credits with their amounts', async () => {
    const a = call(
      ['A', agent],
      ['B', 'my order never arrived and i want my money back'],
      ['A', "i've issued a full refund of eighty four dollars and added a ten dollar voucher to your account"],
      ['B', 'okay thank you']
    )
    expect(a.insights).toContain('Resolved on the call: ten dollars credited to the account and eighty four dollars refunded.')
    expect(a.tags).toEqual(['complaint'])
  })

  it('tells both sides even when the business answers without a scripted greeting', async () => {
    const a = call(
      ['A', 'good morning smile dental this is rachel'],
      ['B', 'hi i need to book a cleaning and my filling on the left side is a bit sore'],
      ['A', 'we have thursday at two thirty or friday at nine'],
      ['B', 'thursday at two thirty works'],
      ['A', "perfect you're booked for thursday at two thirty with doctor lee see you then"]
    )
    expect(a.roles).toEqual({ A: 'recipient', B: 'caller' })
    expect(a.summary).toBe(
      "Caller: Hi I need to book a cleaning and my filling on the left side is a bit sore. Recipient: Perfect you're booked for Thursday at two thirty with doctor Lee see you then. Outcome: Appointment booked for Thursday."
    )
    expect(a.intent).toBe('support')
  })

  it('maps emotion names from other vocabularies onto the labels and drops the rest', async () => {
    const { repairAnalysis } = await import('../../src/analysis/index.js')
    const repaired = repairAnalysis({ emotions: ['Frustration', 'joy', 'gratitude', 'frustrated', 'schadenfreude'] }) as { emotions: string[] }
    expect(repaired.emotions).toEqual(['frustrated', 'happy', 'satisfied'])
  })
})

describe('builtin refine', () => {
  it.each([
    ['send me the report', 'Could you please send me the report? Thank you.'],
    ['um so like send me the damn report by friday', 'Could you please send me the report by Friday? Thank you.'],
    ['you need to fix this right now', 'Could you please fix this as soon as possible? Thank you.'],
    ['can you call me back', 'Could you please call me back? Thank you.'],
    ['Hi, send the contract to Maria, thanks.', 'Hi, could you please send the contract to Maria? Thank you.'],
    ['this is fucking ridiculous uh i want my money back', 'This is ridiculous. I would like my money back.'],
    ['I want the invoice now!', 'I would like the invoice as soon as possible.'],
    ['WHY IS THIS STILL BROKEN', 'Why is this still broken?'],
    ['i like this plan you know', 'I like this plan.'],
    ['do you know the time', 'Do you know the time?'],
    ['Have a nice day.', 'Have a nice day.'],
    ['what the hell is going on', 'What is going on?']
  ])('%j -> %j', async (input, expected) => {
    expect(await builtin.refine(input)).toBe(expected)
  })
})
