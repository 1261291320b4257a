import { afterAll, describe, expect, it } from 'vitest'
import { analyzeConversation } from '../../src/analysis/index.js'
import { createBuiltinEmotion, EMOTION_LABELS } from '../../src/emotion/index.js'
import { conversation, spoken } from '../emotion/audio.js'

/** A support call in two voices: the customer complains, the agent books a technician and credits the bill. */
const CALL: [speaker: 'agent' | 'customer', text: string][] = [
  ['agent', 'thank you for calling bright line support my name is sarah how can i help you today'],
  ['customer', 'hi my internet has been dropping every evening for a week and it is really frustrating'],
  ['agent', 'i am so sorry to hear that let me check your line'],
  ['customer', 'i work from home and i have already called twice about this'],
  ['agent', 'i can see a fault on your line i have booked a technician for tomorrow morning between eight and twelve'],
  ['customer', 'okay tomorrow morning works'],
  ['agent', 'i have also put a credit of twenty dollars on your bill for the trouble'],
  ['customer', 'that would be great thank you very much'],
  ['agent', 'is there anything else i can help you with'],
  ['customer', 'no that is all thanks']
]

const engine = createBuiltinEmotion()
afterAll(() => engine.close())

describe('a two-voice support call through the emotion stage and the builtin analyzer', async () => {
  // Speaker labels as diarization gives them; lowercase words as the recogniser gives them.
  const parts = await Promise.all(CALL.map(([who, text]) => spoken(text, { voice: who === 'agent' ? 'rms' : 'slt' }, who === 'agent' ? 'S0' : 'S1')))
  const { audio, utterances } = conversation(parts)
  const emotion = await engine.analyze(audio, utterances)
  const input = {
    utterances: utterances.map((u, i) => ({ ...u, emotion: emotion.utterances[i].emotion, sentiment: emotion.utterances[i].sentiment })),
    transcript: utterances.map((u) => u.text).join(' '),
    durationSeconds: audio.samples.length / 16000
  }
  const a = analyzeConversation(input)

  it('is a call of about 40 s', () => {
    expect(input.durationSeconds).toBeGreaterThan(30)
    expect(input.durationSeconds).toBeLessThan(50)
  })

  it("summarises both sides and the outcome, not only the customer's lines", () => {
    expect(a.roles).toEqual({ S0: 'agent', S1: 'customer' })
    expect(a.summary).toMatch(/^Customer: Hi my internet has been dropping every evening/)
    expect(a.summary).toContain('Agent: I can see a fault on your line I have booked a technician for tomorrow morning')
    expect(a.summary).toMatch(/Outcome: Technician visit booked for tomorrow morning and twenty dollars credited to the bill\.$/)
  })

  it('reports the resolution instead of "Call ended without resolution."', () => {
    expect(a.insights).toContain('Resolved on the call: technician visit booked for tomorrow morning and twenty dollars credited to the bill.')
    expect(a.insights).not.toContain('Call ended without resolution.')
    expect(a.tags).toContain('support')
    expect(a.tags).not.toContain('needs follow-up')
    expect(a.intent).toBe('support')
  })

  it('uses one emotion vocabulary in the utterances, the whole call and its analysis', () => {
    const labels: readonly string[] = EMOTION_LABELS
    const callEmotions = [...new Set([emotion.overall.emotion, ...a.emotions])]
    for (const e of [...emotion.utterances.map((u) => u.emotion), ...callEmotions]) expect(labels).toContain(e)
    expect(a.emotions).toContain('frustrated')
  })

  it("reads the agent's apology as courtesy, not as negative sentiment", () => {
    const apology = emotion.utterances[2]
    expect(apology.sentiment).toBe('NEUTRAL')
    expect(apology.sentimentScore).toBe(0)
    expect(['frustrated', 'angry', 'sad']).not.toContain(apology.emotion)
    expect(apology.cues.text).toContain('apology or sympathy')
    expect(a.insights.join(' ')).not.toMatch(/negative/i)
  })
})
