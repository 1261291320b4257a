import { answerGeminiFailure, geminiStatus } from './gemini.js'
import { sendJson, startStub, type StubServer } from './server.js'
import { tonePcm } from './speech.js'

export interface GeminiSpeechRequest {
  model: string
  apiKey: string | undefined
  text: string
  generationConfig: {
    responseModalities?: string[]
    speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } } }
  }
}

export interface GeminiSpeechStub extends StubServer {
  requests: GeminiSpeechRequest[]
}

/**
 * `POST /v1beta/models/{model}:generateContent` with the AUDIO modality, answered as Gemini's speech
 * models answer: 24 kHz 16-bit PCM, base64, in candidates[0].content.parts[0].inlineData with the
 * mime type `audio/L16;codec=pcm;rate=24000`.
 */
export async function startGeminiSpeechStub(opts: { apiKey: string; seconds?: number }): Promise<GeminiSpeechStub> {
  const requests: GeminiSpeechRequest[] = []
  const stub = await startStub(async (req, body, res, reply) => {
    const match = /^\/v1beta\/models\/([^/:]+):generateContent$/.exec(req.url ?? '')
    if (req.method !== 'POST' || !match) return sendJson(res, 404, geminiStatus(404, 'NOT_FOUND', `Unknown path ${req.url}`))
    const pending = answerGeminiFailure(req, reply, opts.apiKey, res)
    if (!pending) return
    const request = JSON.parse(body.toString()) as {
      contents: Array<{ parts: Array<{ text?: string }> }>
      generationConfig?: GeminiSpeechRequest['generationConfig']
    }
    const text = request.contents
      .flatMap((c) => c.parts)
      .map((p) => p.text ?? '')
      .join('')
    const generationConfig = request.generationConfig ?? {}
    requests.push({ model: decodeURIComponent(match[1]), apiKey: req.headers['x-goog-api-key'] as string | undefined, text, generationConfig })
    if (!generationConfig.responseModalities?.includes('AUDIO')) {
      return sendJson(res, 400, geminiStatus(400, 'INVALID_ARGUMENT', 'The requested combination of response modalities is not supported by the model.'))
    }
    sendJson(res, 200, {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ inlineData: { mimeType: 'audio/L16;codec=pcm;rate=24000', data: tonePcm(opts.seconds ?? 1).toString('base64') } }]
          },
          finishReason: 'STOP',
          index: 0
        }
      ],
      usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 25, totalTokenCount: 33 },
      modelVersion: decodeURIComponent(match[1])
    })
  })
  return Object.assign(stub, { requests })
}
