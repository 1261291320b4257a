import { describe, expect, it } from 'vitest'
import { describeNonAudio, detectAudio } from '../../src/audio/index.js'

const bytes = (...parts: Array<string | number[]>) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(Buffer.from(p, 'latin1')) : p)))

/** An Ogg first page whose only segment holds the given identification header. */
const oggPage = (id: string) => bytes('OggS', [0, 2], new Array(20).fill(0), [1, id.length], id)

describe('detectAudio', () => {
  it.each([
    ['RIFF WAVE', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), { container: 'wav', mime: 'audio/wav' }],
    ['RF64 WAVE', bytes('RF64', [255, 255, 255, 255], 'WAVEds64'), { container: 'wav' }],
    ['FLAC', bytes('fLaC', [0, 0, 0, 34]), { container: 'flac', codec: 'flac', mime: 'audio/flac' }],
    ['FLAC after ID3', bytes('ID3', [4, 0, 0, 0, 0, 0, 2], [0, 0], 'fLaC'), { container: 'flac' }],
    ['MP3 with ID3', bytes('ID3', [4, 0, 0, 0, 0, 0, 0]), { container: 'mp3', mime: 'audio/mpeg' }],
    ['bare MP3 frames', bytes([0xff, 0xfb, 0x90, 0x64], new Array(413).fill(0), [0xff, 0xfb, 0x90, 0x64]), { container: 'mp3' }],
    ['Ogg Opus', oggPage('OpusHead'), { container: 'ogg', codec: 'opus', mime: 'audio/ogg; codecs=opus' }],
    ['Ogg Vorbis', oggPage('\x01vorbis'), { container: 'ogg', codec: 'vorbis' }],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), { container: 'webm', mime: 'audio/webm' }],
    ['Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'), { container: 'webm', mime: 'audio/x-matroska' }],
    ['M4A', bytes([0, 0, 0, 0x20], 'ftypM4A '), { container: 'mp4', mime: 'audio/mp4' }]
  ])('%s', (_name, input, expected) => {
    expect(detectAudio(input)).toMatchObject(expected)
  })

  it('does not take one chance 0xFF 0xFB pair for MP3', () => {
    expect(detectAudio(bytes([0xff, 0xfb, 0x90, 0x64], new Array(600).fill(7)))).toBeNull()
  })

  it.each([
    [bytes('%PDF-1.7'), 'a PDF document'],
    [bytes([0x89], 'PNG', [13, 10, 26, 10]), 'a PNG image'],
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'a JPEG image'],
    [bytes('PK', [3, 4]), 'a ZIP archive (or an Office document)'],
    [bytes('  {"a": 1}'), 'JSON text'],
    [bytes('hello, this is a transcript'), 'plain text'],
    [bytes([0, 1, 2, 3, 250, 251, 252]), null]
  ])('names non-audio: %s', (input, what) => {
    expect(detectAudio(input)).toBeNull()
    expect(describeNonAudio(input)).toBe(what)
  })
})
