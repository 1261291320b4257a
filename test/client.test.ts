import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { createVoxlensClient, VoxlensError, type CallRecord } from '../openapi/client.js'
import { buildTestApp, type TestApp } from './helpers/app.js'
import { buildConversation, SALES_CALL } from './fixtures/conversation.js'

describe('generated client: uploads', () => {
  let t: TestApp
  let baseUrl: string
  let wav: File

  beforeAll(async () => {
    t = await buildTestApp({ env: { STT_POOL_SIZE: '1', RATE_LIMIT_PER_MINUTE: '1000' } })
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' })
    const call = await buildConversation(SALES_CALL)
    wav = new File([await readFile(call.path)], 'sales.wav', { type: 'audio/wav' })
  })
  afterAll(async () => t.close())

  it('uploads a File with typed options and gets the finished record, typed', async () => {
    const api = createVoxlensClient({ baseUrl })
    const { queued, record } = await api.uploadCall(wav, { speakers_expected: 2 })
    expect(queued).toBe(false)
    // Typed all the way down: no casts between the client and these fields.
    const done: CallRecord = record!
    expect(done).toMatchObject({ status: 'completed', filename: 'sales.wav', progress: 100 })
    expect(done.speakers.map((s) => s.label).sort()).toEqual(['A', 'B'])
    expect(done.utterances.every((u) => typeof u.text === 'string' && u.emotion !== undefined && u.sentiment !== undefined)).toBe(true)
    expect(done.words[0]).toEqual({
      word: expect.any(String),
      start: expect.any(Number),
      end: expect.any(Number),
      confidence: expect.any(Number),
      speaker: expect.any(String)
    })
    expect(done.sentiment).toMatchObject({ label: expect.any(String), score: expect.any(Number), emotion: expect.any(String), confidence: expect.any(Number) })
    expect(done.timings.stt).toBeGreaterThan(0)
    expect(done.intent).toBe('purchase')
  })

  it('keeps every field the pipeline stored through the GET round trip', async () => {
    // Response serialization drops properties a schema does not declare: compare the stored JSON
    // columns with what GET /api/calls/{id} answers, field for field.
    const api = createVoxlensClient({ baseUrl })
    const { id } = await api.uploadCall(wav, { speakers_expected: 2 })
    const row = await t.app.db.prisma.callRecord.findUniqueOrThrow({ where: { id } })
    const { data } = await api.GET('/api/calls/{id}', { params: { path: { id } } })
    const view = data!.data
    expect(view.words).toEqual(row.words)
    expect(view.utterances).toEqual(row.utterances)
    expect(view.speakers).toEqual(row.speakers)
    expect(view.emotions).toEqual(row.emotions)
    expect(view.sentiment).toEqual(row.sentiment)
    expect(view.timings).toEqual(row.timings)
    expect(view.roles).toEqual(row.roles)
    expect(view.insights).toEqual(row.insights)
    expect(view.entities).toEqual(row.entities)
    // Not vacuous: the pipeline did store each of them.
    expect((row.utterances as unknown[]).length).toBeGreaterThan(0)
    expect(Object.keys((row.utterances as object[])[0])).toEqual(
      expect.arrayContaining(['speaker', 'start', 'end', 'text', 'emotion', 'sentiment', 'sentiment_score'])
    )
    expect(Object.keys(row.timings as object)).toEqual(expect.arrayContaining(['decode', 'stt', 'diarize', 'emotion', 'analyze']))
  })

  it('answers a queued upload with its id, and a refusal with a VoxlensError carrying the code', async () => {
    const api = createVoxlensClient({ baseUrl })
    const queued = await api.uploadCall(wav, { async: true, analyze: false })
    expect(queued).toEqual({ id: expect.any(String), queued: true, record: null })
    let status: CallRecord['status'] = 'queued'
    for (let i = 0; i < 300 && (status === 'queued' || status === 'processing'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await api.GET('/api/calls/{id}', { params: { path: { id: queued.id } } })).data!.data.status
    }
    expect(status).toBe('completed')

    const refused = await api.uploadCall(new Blob(['%PDF-1.7 not audio']), {}).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(VoxlensError)
    expect(refused).toMatchObject({ status: 400, code: 'not_audio' })

    const badOption = await api.uploadCall(wav, { speakers_expected: 11 }).catch((e: unknown) => e)
    expect(badOption).toMatchObject({ status: 400, code: 'invalid_field', message: expect.stringContaining('speakers_expected') })
  })
})
