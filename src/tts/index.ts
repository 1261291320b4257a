/**
 * Text to speech. The plugin (src/plugins/app/tts.ts) decorates `fastify.tts` with the service below;
 * routes and other features call it and never an engine directly.
 *
 * `fastify.tts.synthesize({ text, engine?, voice?, speed?, format, instructions?, signal? })`
 *   → `{ audio: Buffer, contentType, duration (s), format, engine, voice, cached }`
 *   format: 'mp3' | 'opus' (Ogg) | 'aac' (ADTS) | 'flac' | 'wav' | 'pcm' (raw 16-bit LE); all 24 kHz mono.
 *   engine: 'flite' | 'espeak-ng' | 'openai' | 'gemini' | 'groq' (when configured), or an OpenAI model
 *   name (tts-1, tts-1-hd, gpt-4o-mini-tts), which means the default engine (TTS_ENGINE).
 *   voice: the engine's own (flite: slt, rms, awb, kal) or an OpenAI voice name, mapped in voices.ts.
 *   speed: 0.25 - 4. Text: 1 - 4096 characters.
 *   Bad input is a 400 HttpError (empty_input, input_too_long, unknown_voice, unknown_model, invalid_speed);
 *   past TTS_TIMEOUT_SECONDS it is a 504 `tts_timeout` and nothing is stored.
 *
 * `fastify.tts.speakToStorage({ ...same, origin? })` → `{ key, url, format, contentType, duration, engine, voice, cached }`
 *   The file is kept in blob storage under `tts/<id>.<ext>`. url is `/audio/<id>.<ext>` on this server
 *   (absolute when `origin`, e.g. `${request.protocol}://${request.host}`, is given) or a presigned GET URL
 *   when S3 is configured (expires after S3_PRESIGNED_EXPIRY_SECONDS).
 *
 * Both reuse earlier results: the id is a hash of engine, voice, speed, format, instructions and text; the
 * cache (Redis or memory) remembers it for TTS_CACHE_TTL_SECONDS and the file is read back from storage,
 * so the same reply is synthesised once (metric voxlens_tts_cache_total{outcome="hit"|"miss"}).
 *
 * `fastify.tts.engines()` → `[{ name, kind, default, available, reason?, voices, defaultVoice }]`
 * `fastify.tts.warm(signal?)` → `{ flite: 'loaded', 'espeak-ng': 'loaded', gemini: 'unavailable', ... }`
 */
export {
  createTtsService,
  speechKey,
  speechKeyOfFile,
  MAX_INPUT_CHARS,
  type TtsService,
  type Speech,
  type StoredSpeech,
  type SynthesizeOptions,
  type TtsEngineStatus
} from './service.js'
export { SPEECH_FORMATS, type SpeechFormat, type TtsEngine, type RawSpeech } from './types.js'
export { CONTENT_TYPES } from './encode.js'
export { TtsError } from './errors.js'
export { OPENAI_VOICE_MAP, isOpenAiSpeechModel } from './voices.js'
export { createFliteEngine } from './engines/flite.js'
export { createEspeakEngine } from './engines/espeak.js'
export { createOpenAiTtsEngine } from './engines/openai.js'
export { createGeminiTtsEngine } from './engines/gemini.js'
export { createGroqTtsEngine } from './engines/groq.js'
