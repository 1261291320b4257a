import { Type } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { badRequest } from '../../errors.js'
import { parseFields, readUpload } from '../multipart.js'
import { security } from '../../schemas/common.js'

const ValidationError = Type.Ref('AnalyticsError')
const AnalyzeFieldsSchema = Type.Object({
  speakers_expected: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'When you know how many people speak' }))
})
const round = (n: number) => Math.round(n * 100) / 100

/** The voice-analytics product's contract: one recording in, transcript, speakers and emotion out. */
const analyzeRoute: FastifyPluginAsyncTypebox = async (fastify) => {
  const { calls, config } = fastify

  fastify.post(
    '/analyze',
    {
      preHandler: fastify.audioRateLimit,
      validatorCompiler: () => () => true,
      schema: {
        tags: ['analytics'],
        operationId: 'analyzeAudio',
        summary: 'Transcribe a recording and report speakers, emotions and sentiment',
        consumes: ['multipart/form-data'],
        security: security.optionalBearer,
        body: Type.Object({ file: Type.String({ format: 'binary' }), ...AnalyzeFieldsSchema.properties }),
        response: {
          200: Type.Object({
            transcription: Type.String(),
            emotions: Type.Array(
              Type.Object({
                speaker: Type.String(),
                start: Type.Number(),
                end: Type.Number(),
                emotion: Type.Ref('Emotion'),
                sentiment: Type.Ref('SentimentLabel'),
                score: Type.Number()
              })
            ),
            speakers: Type.Array(
              Type.Object({
                label: Type.String(),
                talk_time: Type.Number(),
                emotion: Type.Union([Type.Ref('Emotion'), Type.Null()]),
                sentiment: Type.Union([Type.Ref('SentimentLabel'), Type.Null()])
              })
            ),
            utterances: Type.Array(Type.Ref('Utterance')),
            sentiment: Type.Object({ label: Type.Ref('SentimentLabel'), score: Type.Number(), emotion: Type.Ref('Emotion') }),
            duration: Type.Number(),
            warnings: Type.Array(Type.String())
          }),
          400: ValidationError,
          413: ValidationError,
          429: ValidationError,
          500: ValidationError,
          503: ValidationError
        }
      }
    },
    async (request) => {
      const upload = await readUpload(request, 'file', config.MAX_UPLOAD_MB)
      if (!upload.file) throw badRequest('No audio: send the recording in a multipart field named "file".', 'missing_file')
      const expected = parseFields(AnalyzeFieldsSchema, upload.fields).speakers_expected
      // The same pipeline as POST /api/calls, so one recording gets the same answers from both.
      const audio = upload.file.buffer
      const result = await fastify.inflight.run((signal) =>
        calls.analyzeAudio(audio, { diarize: true, emotion: true, analyze: false, speakersExpected: expected, signal })
      )
      const { transcript, conversation: conv } = result
      return {
        transcription: transcript.text,
        emotions: conv.utterances.map((u) => ({
          speaker: u.speaker,
          start: round(u.start),
          end: round(u.end),
          emotion: u.emotion ?? 'neutral',
          sentiment: u.sentiment ?? 'NEUTRAL',
          score: round(u.sentiment_score ?? 0)
        })),
        speakers: result.speakers.map((s) => ({ label: s.label, talk_time: s.talk_time, emotion: s.emotion, sentiment: s.sentiment })),
        utterances: conv.utterances.map((u) => ({ speaker: u.speaker, start: round(u.start), end: round(u.end), text: u.text })),
        sentiment: {
          label: conv.overall?.sentiment ?? 'NEUTRAL',
          score: round(conv.overall?.sentimentScore ?? 0),
          emotion: conv.overall?.emotion ?? 'neutral'
        },
        duration: round(transcript.duration),
        warnings: conv.problems
      }
    }
  )
}

export default analyzeRoute
