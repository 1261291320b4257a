import type { PcmAudio } from '../stt/types.js'
import { AcousticMeter } from './acoustic-client.js'
import type { AcousticSpan } from './acoustics.js'
import { NOTHING, summarise } from './aggregate.js'
import { arousalOf, baselineOf, type Baseline } from './arousal.js'
import { combine } from './combine.js'
import { readText } from './text.js'
import type { EmotionAnalysis, EmotionEngine, UtteranceInput } from './types.js'

/**
 * The emotion engine that needs no model: lexical sentiment and emotion words from the
 * transcript, and vocal arousal (pitch, pitch range, loudness, speaking rate) measured against
 * each speaker's own baseline.
 *
 * What it can tell: whether the words are positive or negative, which emotion they name or
 * imply (thanks, complaints, questions, loss), and whether a turn sounds more or less activated
 * than the speaker usually does. What it cannot: emotion the words do not carry (sarcasm, a
 * polite but seething customer), anything from a flat or synthetic voice, which carries little
 * prosody, or calibrated probabilities: its weights are set by hand, not trained on labelled
 * speech. Treat its labels as a reading of sentiment and arousal, not of what someone feels.
 */
export function createBuiltinEmotion(): EmotionEngine {
  const meter = new AcousticMeter()
  return {
    name: 'builtin',
    available: async () => ({ ok: true }),
    async analyze(audio: PcmAudio, utterances: UtteranceInput[], signal?: AbortSignal): Promise<EmotionAnalysis> {
      signal?.throwIfAborted()
      if (utterances.length === 0) return { utterances: [], overall: NOTHING, bySpeaker: {} }
      const { samples, offset } = covering(audio, utterances)
      const spans: AcousticSpan[] = utterances.map((u) => ({
        start: u.start - offset,
        end: u.end - offset,
        words: u.words?.map((w) => ({ start: w.start - offset, end: w.end - offset }))
      }))
      const acoustic = await meter.measure(samples, audio.sampleRate, spans, signal)

      const recording = baselineOf(acoustic)
      const speakers = new Map<string, Baseline>()
      for (const speaker of new Set(utterances.map((u) => u.speaker))) {
        speakers.set(speaker, baselineOf(acoustic.filter((_, i) => utterances[i].speaker === speaker)))
      }
      const scored = utterances.map((u, i) => {
        const arousal = arousalOf(acoustic[i], speakers.get(u.speaker)!, recording)
        return combine(readText(u.text), arousal, acoustic[i])
      })
      return summarise(utterances, scored)
    },
    close: () => meter.close()
  }
}

/** Just the audio the utterances cover, as a view: the meter copies it only when it is not shared memory. */
function covering(audio: PcmAudio, utterances: UtteranceInput[]): { samples: Float32Array; offset: number } {
  const start = Math.max(0, Math.min(...utterances.map((u) => u.start)))
  const end = Math.max(...utterances.map((u) => u.end))
  const from = Math.min(audio.samples.length, Math.floor(start * audio.sampleRate))
  const to = Math.max(from, Math.min(audio.samples.length, Math.ceil(end * audio.sampleRate)))
  return { samples: audio.samples.subarray(from, to), offset: from / audio.sampleRate }
}
