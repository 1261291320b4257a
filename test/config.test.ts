import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { CONFIG_ALIASES, ConfigSchema, loadConfig } from '../src/config.js'

describe('configuration', () => {
  it('has sensible defaults', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: './data', MAX_UPLOAD_MB: 100, RATE_LIMIT_PER_MINUTE: 10, RATE_LIMIT_PER_DAY: 150, AUTH_MODE: 'optional' })
    expect(c.DATABASE_URL).toBeUndefined()
    expect(c.REDIS_URL).toBeUndefined()
  })

  it('converts numbers and booleans and treats empty as unset', () => {
    const c = loadConfig({ PORT: '8080', TRUST_PROXY: 'true', DATABASE_URL: '' })
    expect(c.PORT).toBe(8080)
    expect(c.TRUST_PROXY).toBe(true)
    expect(c.DATABASE_URL).toBeUndefined()
  })

  it('names every bad variable and the expected form', () => {
    let message = ''
    try {
      loadConfig({ PORT: 'eighty', AUTH_MODE: 'sometimes', REDIS_URL: 'localhost:6379' })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain('PORT="eighty": expected a whole number')
    expect(message).toContain('AUTH_MODE="sometimes": expected one of optional, required')
    expect(message).toContain('REDIS_URL="localhost:6379": expected a string, matching ^rediss?://')
  })

  it('documents every variable in .env.example, and nothing else', () => {
    const documented = [...readFileSync(new URL('../.env.example', import.meta.url), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])
    expect(new Set(documented)).toEqual(new Set([...Object.keys(ConfigSchema.properties), ...Object.keys(CONFIG_ALIASES)]))
  })

  it("accepts the products' own variable names as aliases, ours winning when both are set", () => {
    const config = loadConfig({ REDIS_URI: 'redis://cache:6379', GOOGLE_API_KEY: 'g-key', MAX_AUDIO_LENGTH: '600' })
    expect(config.REDIS_URL).toBe('redis://cache:6379')
    expect(config.GEMINI_API_KEY).toBe('g-key')
    expect(config.MAX_AUDIO_SECONDS).toBe(600)
    expect(loadConfig({ REDIS_URI: 'redis://old:6379', REDIS_URL: 'redis://new:6379' }).REDIS_URL).toBe('redis://new:6379')
    expect(() => loadConfig({ MAX_AUDIO_LENGTH: 'ten minutes' })).toThrow(/MAX_AUDIO_SECONDS/)
  })

  it('refuses a telephone transform of your own together with the band fill, which would ignore it for uploads', () => {
    expect(loadConfig({ SPHINX_TELEPHONE_BAND_FILL: 'true' }).SPHINX_TELEPHONE_BAND_FILL).toBe(true)
    expect(() => loadConfig({ SPHINX_TELEPHONE_BAND_FILL: 'true', SPHINX_TELEPHONE_MLLR: 'off' })).toThrow(
      /unset SPHINX_TELEPHONE_MLLR or set SPHINX_TELEPHONE_BAND_FILL=false/
    )
    expect(loadConfig({ SPHINX_TELEPHONE_BAND_FILL: 'false', SPHINX_TELEPHONE_MLLR: 'off' }).SPHINX_TELEPHONE_MLLR).toBe('off')
  })
})
