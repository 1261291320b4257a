import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

/**
 * Every environment variable voxlens reads, declared once. `.env.example` documents the same list;
 * a test keeps the two in step.
 */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  /** PEM files: the server speaks HTTPS and wss:// itself (both or neither) */
  TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
  TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_CONNECT_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 30 }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  DATABASE_POOL_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5_000 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', default: 'voxlens' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1_000 }),
  OVERLOAD_RETRY_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 5 }),
  /** How long a rendered GET /api/calls page may be reused while its owner's records are unchanged; 0 = never. */
  CALLS_LIST_CACHE_SECONDS: Type.Integer({ minimum: 0, default: 300 }),

  S3_BUCKET_NAME: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
  S3_PRESIGNED_EXPIRY_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 3600 }),

  MAX_UPLOAD_MB: Type.Number({ exclusiveMinimum: 0, default: 100 }),
  MAX_AUDIO_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 3600 }),
  KEEP_FAILED_AUDIO: Type.Boolean({ default: false }),
  REQUEST_TIMEOUT_SECONDS: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  HEADERS_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 30 }),
  KEEP_ALIVE_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 72 }),
  UPLOAD_IDLE_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 30 }),
  UPLOAD_MIN_BYTES_PER_SECOND: Type.Integer({ minimum: 0, default: 1024 }),
  MAX_CONCURRENT_UPLOADS_PER_IP: Type.Integer({ minimum: 1, default: 4 }),
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 10 }),
  RATE_LIMIT_PER_DAY: Type.Integer({ minimum: 1, default: 150 }),
  NOT_FOUND_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 60 }),

  AUTH_MODE: Type.Enum(['optional', 'required'], { default: 'optional' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  TOKEN_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, default: 24 }),
  /** HS256 secret of an external issuer (Supabase): its bearer JWTs are accepted, `sub` mapped to a user */
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  AUTH_WINDOW_MINUTES: Type.Number({ exclusiveMinimum: 0, default: 15 }),
  AUTH_MAX_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, default: 10 }),
  AUTH_MAX_ATTEMPTS_PER_IP: Type.Integer({ minimum: 1, default: 30 }),
  CORS_ORIGINS: Type.String({ default: '*' }),

  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  QUEUE_CONCURRENCY: Type.Integer({ minimum: 1, default: 2 }),
  RUN_WORKER_IN_PROCESS: Type.Boolean({ default: true }),
  /** A job's lock, and a held record's heartbeat lease: past it a crashed holder's work is taken back. */
  JOB_LEASE_MS: Type.Integer({ minimum: 1_000, default: 30_000 }),

  /** Live transcription streams (WebSocket): each limit closes a stream with its own close code. */
  STREAM_MAX_SESSION_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 3600 }),
  STREAM_MAX_BUFFER_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 20 }),
  STREAM_IDLE_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 15 }),
  STREAM_MAX_UTTERANCE_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 60 }),
  STREAM_MAX_SESSIONS_PER_USER: Type.Integer({ minimum: 1, default: 4 }),
  STREAM_MAX_SESSIONS: Type.Integer({ minimum: 1, default: 32 }),
  STREAM_CONNECTS_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),

  STT_ENGINE: Type.Optional(Type.Enum(['sphinx', 'whisper', 'groq', 'openai', 'gemini'])),
  STT_POOL_SIZE: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Decoder threads for live sphinx streams, one per utterance spoken at the same moment (~100 MB each, started as needed). */
  SPHINX_STREAM_DECODERS: Type.Integer({ minimum: 1, default: 8 }),
  /** Of those, how many load with the first stream and stay loaded while idle (for bursts of streams starting together). */
  SPHINX_STREAM_DECODERS_KEPT: Type.Integer({ minimum: 1, default: 1 }),
  SPHINX_MODEL_DIR: Type.String({ default: '/usr/share/pocketsphinx/model/en-us' }),
  /** MLLR transform for telephone-band input (npm run models:telephone); unset: the shipped one; 'off': none. */
  SPHINX_TELEPHONE_MLLR: Type.Optional(Type.String({ minLength: 1 })),
  SPHINX_TELEPHONE_BAND_FILL: Type.Boolean({ default: false }),
  WHISPER_MODEL_PATH: Type.Optional(Type.String()),
  WHISPER_POOL_SIZE: Type.Integer({ minimum: 1, default: 1 }),
  WHISPER_THREADS: Type.Optional(Type.Integer({ minimum: 1 })),
  WHISPER_MODELS_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  GROQ_STT_MODEL: Type.String({ minLength: 1, default: 'whisper-large-v3-turbo' }),
  OPENAI_STT_MODEL: Type.String({ minLength: 1, default: 'whisper-1' }),
  GEMINI_STT_MODEL: Type.String({ minLength: 1, default: 'gemini-2.5-flash' }),
  STT_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 120 }),

  /** unset: flite when installed, else espeak-ng, else the first cloud engine with a key */
  TTS_ENGINE: Type.Optional(Type.Enum(['flite', 'espeak-ng', 'openai', 'gemini', 'groq'])),
  /** the default engine's voice when a request names none (its own name or an OpenAI one) */
  TTS_VOICE: Type.Optional(Type.String({ minLength: 1 })),
  TTS_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 45 }),
  /** how long a synthesised reply is reused; 0 synthesises every request anew */
  TTS_CACHE_TTL_SECONDS: Type.Integer({ minimum: 0, default: 604_800 }),
  TTS_OPENAI_MODEL: Type.String({ minLength: 1, default: 'gpt-4o-mini-tts' }),
  TTS_GEMINI_MODEL: Type.String({ minLength: 1, default: 'gemini-2.5-flash-preview-tts' }),
  TTS_GROQ_MODEL: Type.String({ minLength: 1, default: 'canopylabs/orpheus-v1-english' }),

  SHERPA_SEGMENTATION_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  SHERPA_EMBEDDING_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  EMOTION_MODEL_PATH: Type.Optional(Type.String({ minLength: 1 })),

  LLM_PROVIDER: Type.Optional(Type.Enum(['builtin', 'groq', 'gemini', 'openai'])),
  LLM_MODEL: Type.Optional(Type.String()),
  LLM_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 30 }),

  /** The English-practice app's deployment switch: prod needs a cloud chat model and caches by default. */
  APP_ENV: Type.Enum(['dev', 'prod'], { default: 'dev' }),
  /** unset: on when APP_ENV=prod (see cacheEnabled) */
  CACHE_ENABLED: Type.Optional(Type.Boolean()),
  INIT_TIMEOUT_SECONDS: Type.Number({ exclusiveMinimum: 0, default: 300 }),

  GROQ_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  GROQ_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  OPENAI_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  OPENAI_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  GEMINI_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  GEMINI_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),

  WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16 })),
  WEBHOOK_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 6 }),
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ minimum: 1, default: 2_000 }),
  WEBHOOK_ALLOW_HTTP: Type.Boolean({ default: false }),
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({ default: false }),

  SENTRY_DSN: Type.Optional(Type.String({ pattern: '^https?://[^@/]+@[^/]+/.+$' })),
  SENTRY_ENVIRONMENT: Type.Optional(Type.String({ minLength: 1 }))
})

export type Config = Static<typeof ConfigSchema>

/**
 * Names the products moving onto voxlens already use in their deployments, accepted beside ours.
 * When both are set, ours wins.
 */
export const CONFIG_ALIASES: Record<string, keyof Config> = {
  REDIS_URI: 'REDIS_URL',
  GOOGLE_API_KEY: 'GEMINI_API_KEY',
  MAX_AUDIO_LENGTH: 'MAX_AUDIO_SECONDS'
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads config from an env-like object; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.properties)
  // Empty strings mean "unset", as in most .env tooling.
  const raw: Record<string, unknown> = {}
  const set = (name: string) => env[name] !== undefined && env[name]!.trim() !== ''
  for (const [alias, name] of Object.entries(CONFIG_ALIASES)) {
    if (set(alias) && !set(name)) raw[name] = env[alias]!.trim()
  }
  for (const key of known) {
    if (set(key)) raw[key] = env[key]!.trim()
  }
  const value = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw))
  if (Value.Check(ConfigSchema, value)) return checkBandFill(checkAppEnv(value))
  const problems = [...Value.Errors(ConfigSchema, value)].map((e) => {
    const name = e.instancePath.replace(/^\//, '') || String((e.params as { requiredProperties?: string[] }).requiredProperties ?? '')
    return `${name}=${JSON.stringify(raw[name] ?? null)}: ${describe(name)}`
  })
  throw new ConfigError(`Invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`)
}

/** APP_ENV=prod serves learners, whom the offline partner would short-change: it needs a cloud chat model. */
function checkAppEnv(config: Config): Config {
  if (config.APP_ENV !== 'prod' || config.GEMINI_API_KEY || config.GROQ_API_KEY || config.OPENAI_API_KEY) return config
  throw new ConfigError(
    'Invalid configuration:\n  GEMINI_API_KEY=null: APP_ENV=prod needs a cloud chat model: set GEMINI_API_KEY (or GROQ_API_KEY or OPENAI_API_KEY), or APP_ENV=dev'
  )
}

/**
 * The band fill decodes phone-line uploads with the transform fitted on filled audio, so a transform of the
 * user's own (or none) would be silently ignored for uploads.
 */
function checkBandFill(config: Config): Config {
  if (!config.SPHINX_TELEPHONE_BAND_FILL || !config.SPHINX_TELEPHONE_MLLR) return config
  throw new ConfigError(
    `Invalid configuration:\n  SPHINX_TELEPHONE_MLLR=${JSON.stringify(config.SPHINX_TELEPHONE_MLLR)}: SPHINX_TELEPHONE_BAND_FILL=true decodes phone-line uploads with models/telephone/mllr_matrix_filled; unset SPHINX_TELEPHONE_MLLR or set SPHINX_TELEPHONE_BAND_FILL=false`
  )
}

/** Whether results are cached: CACHE_ENABLED when set, otherwise on in APP_ENV=prod only. */
export function cacheEnabled(config: Config): boolean {
  return config.CACHE_ENABLED ?? config.APP_ENV === 'prod'
}

function describe(name: string): string {
  const schema = (ConfigSchema.properties as unknown as Record<string, Record<string, unknown>>)[name]
  if (!schema) return 'unknown variable'
  if (Array.isArray(schema.enum)) return `expected one of ${schema.enum.join(', ')}`
  const parts: string[] = [
    `expected ${schema.type === 'integer' ? 'a whole number' : schema.type === 'number' ? 'a number' : schema.type === 'boolean' ? 'true or false' : 'a string'}`
  ]
  if (schema.minimum !== undefined) parts.push(`>= ${schema.minimum}`)
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`)
  if (schema.maximum !== undefined) parts.push(`<= ${schema.maximum}`)
  if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`)
  if (schema.pattern !== undefined) parts.push(`matching ${schema.pattern}`)
  return parts.join(', ')
}

/** For entry points: the config, or a message naming the bad variables and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(`${err.message}\nFix the variables above (see .env.example) and start again.`)
    process.exit(1)
  }
}
