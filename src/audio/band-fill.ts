/**
 * Fills the band a phone line cannot carry. Telephone audio resampled to 16 kHz is empty above 4 kHz, and
 * an empty band is something the recogniser never heard in training: its cepstra land far from every
 * Gaussian, and one MLLR transform cannot bring them back. Noise there whose level follows each frame's
 * 1-3.4 kHz level, shaped like a studio voice's high band, makes the frames look like speech again, and a
 * transform fitted on filled audio closes most of the gap (models/telephone/README.md).
 *
 * Short-time Fourier transform as scipy's stft/istft: 512-point periodic Hann frames every 128 samples,
 * the signal padded by half a frame at each end, overlap-add divided by the summed squared window. Bins
 * below the filled band pass through untouched, so the phone band comes back as it went in. Frames are
 * taken one at a time and the output is written as they complete: memory is the output and a few frames.
 */
import FFT from 'fft.js'
import { seededRandom } from './seeded-random.js'

export const FRAME = 512
export const HOP = 128
const SAMPLE_RATE = 16000
const BIN_HZ = SAMPLE_RATE / FRAME

/** Which bins are filled, which give a frame its level, and the shape of the fill. */
export interface BandEnvelope {
  /** lowest filled frequency */
  fillFromHz: number
  /** the band whose mean magnitude sets each frame's level */
  levelBandHz: [number, number]
  /** per filled bin (from fillFromHz's bin to the Nyquist bin): magnitude relative to the level, in dB */
  shapeDb: number[]
  /** seed of the noise; default FILL_SEED */
  seed?: number
}

/** First and last bin (inclusive) of a band. */
export function bandBins(fromHz: number, toHz: number): [number, number] {
  return [Math.ceil(fromHz / BIN_HZ), Math.min(FRAME / 2, Math.floor(toHz / BIN_HZ))]
}

const WINDOW = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME))

/** Frames scipy's stft takes from `length` samples (boundary zeros of half a frame, then padded to a whole hop). */
export function frameCount(length: number): number {
  return Math.ceil(length / HOP) + 1
}

/**
 * Calls `visit` with the spectrum of each frame in turn (interleaved re/im, bins 0..FRAME/2 valid; the same
 * buffer every call, so copy what you keep). Frame f covers samples f*HOP - FRAME/2 ... + FRAME.
 */
export function forEachSpectrum(samples: Float32Array, visit: (spectrum: number[], frame: number) => void): void {
  const fft = new FFT(FRAME)
  const input = new Array<number>(FRAME)
  const spectrum = fft.createComplexArray() as number[]
  const frames = frameCount(samples.length)
  for (let f = 0; f < frames; f++) {
    const start = f * HOP - FRAME / 2
    for (let i = 0; i < FRAME; i++) {
      const at = start + i
      input[i] = at >= 0 && at < samples.length ? samples[at] * WINDOW[i] : 0
    }
    fft.realTransform(spectrum, input)
    visit(spectrum, f)
  }
}

/** Mean magnitude of bins lo..hi of a spectrum from forEachSpectrum. */
export function meanMagnitude(spectrum: number[], [lo, hi]: [number, number]): number {
  let sum = 0
  for (let k = lo; k <= hi; k++) sum += Math.hypot(spectrum[2 * k], spectrum[2 * k + 1])
  return sum / (hi - lo + 1)
}

/** The noise is drawn from this seed on every call: the fill of a recording never changes. */
export const FILL_SEED = 1

/** Sum over the frames covering padded position p of the squared window: what istft divides by. */
function windowPower(p: number, frames: number): number {
  let sum = 0
  const first = Math.max(0, Math.ceil((p - FRAME + 1) / HOP))
  const last = Math.min(frames - 1, Math.floor(p / HOP))
  for (let f = first; f <= last; f++) sum += WINDOW[p - f * HOP] ** 2
  return sum
}

/** What is wrong with `envelope` for this frame size, or undefined when it can fill. */
export function envelopeProblem(envelope: BandEnvelope): string | undefined {
  const { fillFromHz, levelBandHz, shapeDb } = envelope ?? {}
  if (typeof fillFromHz !== 'number' || !(fillFromHz > 0 && fillFromHz < SAMPLE_RATE / 2)) return 'fillFromHz must be a frequency below 8000 Hz'
  if (!Array.isArray(levelBandHz) || levelBandHz.length !== 2 || !(levelBandHz[0] < levelBandHz[1])) return 'levelBandHz must be [low, high] in Hz'
  const bins = FRAME / 2 - bandBins(fillFromHz, SAMPLE_RATE / 2)[0] + 1
  if (!Array.isArray(shapeDb) || shapeDb.length !== bins || !shapeDb.every((db) => typeof db === 'number' && Number.isFinite(db))) {
    return `shapeDb must hold ${bins} finite dB values (one per ${BIN_HZ} Hz bin from fillFromHz up)`
  }
  return undefined
}

/**
 * `samples` (16 kHz) with every bin from `envelope.fillFromHz` up replaced by random-phase noise of
 * magnitude shape x the frame's mean magnitude in the level band. Same length; written into `out` when
 * given (e.g. shared memory), else a new array.
 */
export function fillBand(samples: Float32Array, envelope: BandEnvelope, out: Float32Array = new Float32Array(samples.length)): Float32Array {
  if (out.length !== samples.length) throw new RangeError('fillBand: output length differs from the input')
  const problem = envelopeProblem(envelope)
  if (problem) throw new RangeError(`fillBand: ${problem}`)
  const [fillLo] = bandBins(envelope.fillFromHz, SAMPLE_RATE / 2)
  const level = bandBins(envelope.levelBandHz[0], envelope.levelBandHz[1])
  const shape = envelope.shapeDb.map((db) => 10 ** (db / 20))
  const random = seededRandom(envelope.seed ?? FILL_SEED)
  const fft = new FFT(FRAME)
  const full = fft.createComplexArray() as number[]
  const frameOut = fft.createComplexArray() as number[]
  const frames = frameCount(samples.length)
  // Overlap-add of the last frame's span: sample p (padded) sits at p % FRAME until it is final.
  const pending = new Float64Array(FRAME)
  const emit = (p: number) => {
    const at = p - FRAME / 2
    const slot = p % FRAME
    if (at >= 0 && at < out.length) {
      const power = windowPower(p, frames)
      const y = power > 1e-10 ? pending[slot] / power : 0
      out[at] = y > 1 ? 1 : y < -1 ? -1 : y
    }
    pending[slot] = 0
  }
  forEachSpectrum(samples, (spectrum, f) => {
    const gain = meanMagnitude(spectrum, level)
    for (let k = 0; k < fillLo; k++) {
      full[2 * k] = spectrum[2 * k]
      full[2 * k + 1] = spectrum[2 * k + 1]
    }
    for (let k = fillLo; k <= FRAME / 2; k++) {
      const phase = 2 * Math.PI * random()
      const magnitude = gain * shape[k - fillLo]
      full[2 * k] = magnitude * Math.cos(phase)
      // The Nyquist bin of a real signal is real.
      full[2 * k + 1] = k === FRAME / 2 ? 0 : magnitude * Math.sin(phase)
    }
    for (let k = 1; k < FRAME / 2; k++) {
      full[2 * (FRAME - k)] = full[2 * k]
      full[2 * (FRAME - k) + 1] = -full[2 * k + 1]
    }
    fft.inverseTransform(frameOut, full)
    const start = f * HOP
    for (let i = 0; i < FRAME; i++) pending[(start + i) % FRAME] += frameOut[2 * i] * WINDOW[i]
    // No later frame reaches the first hop of this one.
    for (let p = start; p < start + HOP; p++) emit(p)
  })
  const end = (frames - 1) * HOP + FRAME
  for (let p = frames * HOP; p < end; p++) emit(p)
  return out
}
