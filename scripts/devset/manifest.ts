/**
 * The shape of .devset/manifest.json (and of calls.json, the conversations) and a loader for benchmarks. Paths are relative to the dev set's
 * folder; `loadDevset` resolves them and reads any clip as 16 kHz mono float samples through sox.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export type Split = 'dev' | 'heldout'

interface Audio {
  path: string
  sampleRate: number
  /** 'studio' as recorded (8 kHz for the radio and codec recordings); 'telephone' after the phone line */
  channel: 'studio' | 'telephone'
  encoding: 'pcm16' | 'mulaw'
  split: Split
}

export interface ManifestClip extends Audio {
  /** absent for speech in other languages and for recordings nobody transcribed: word error rates skip them */
  text?: string
  speaker: string
  sex?: 'female' | 'male'
  /** BCP 47; absent means English */
  language?: string
  package: string
  /** path inside the package */
  source: string
  /** the studio clip a telephone clip was made from */
  of?: string
}

export interface ManifestTurn {
  speaker: string
  /** seconds */
  start: number
  end: number
  text?: string
}

export interface ManifestConversation extends Audio {
  id: string
  speakers: { id: string; sex?: 'female' | 'male' }[]
  turns: ManifestTurn[]
  /** seconds */
  duration: number
}

export interface Manifest {
  description: string
  clips: ManifestClip[]
  conversations: ManifestConversation[]
}

/** The conversations, kept apart from the clips so they can be rebuilt alone (build.ts --calls-only). */
export interface CallList {
  description: string
  conversations: ManifestConversation[]
}

export const DEFAULT_DEVSET = '.devset'
export const CALLS_FILE = 'calls.json'

export function loadDevset(dir = DEFAULT_DEVSET): { root: string; manifest: Manifest } {
  const root = resolve(dir)
  const file = join(root, 'manifest.json')
  if (!existsSync(file)) throw new Error(`${file} is missing: build the dev set with \`npx tsx scripts/devset/build.ts\``)
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest
  // A dev set built before calls.json existed lists conversations that repeat a voice's few sentences
  // within a call; calls.json replaces them.
  const calls = join(root, CALLS_FILE)
  if (existsSync(calls)) manifest.conversations = (JSON.parse(readFileSync(calls, 'utf8')) as CallList).conversations
  return { root, manifest }
}

/** Decodes any dev-set file (PCM or mu-law) to mono float samples at `rate`. */
export function readClip(root: string, path: string, rate = 16000): Float32Array {
  const r = spawnSync('sox', ['-V1', '-D', join(root, path), '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', String(rate), '-'], {
    maxBuffer: 1 << 30
  })
  if (r.status !== 0) throw new Error(`sox could not read ${path}: ${r.stderr?.toString().trim() ?? r.error?.message}`)
  const samples = new Float32Array(r.stdout.length >> 1)
  for (let i = 0; i < samples.length; i++) samples[i] = r.stdout.readInt16LE(2 * i) / 32768
  return samples
}
