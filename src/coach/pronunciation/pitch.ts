/**
 * Fundamental frequency every 10 ms by normalised autocorrelation (16 kHz mono), 0 where unvoiced.
 * Enough for intonation range; not meant for pitch-accurate work.
 */
export function trackPitch(samples: Float32Array, sampleRate = 16000): Float32Array {
  const hop = Math.round(sampleRate / 100)
  const win = Math.round(sampleRate * 0.04)
  const minLag = Math.floor(sampleRate / 400)
  const maxLag = Math.ceil(sampleRate / 60)
  const frames = Math.max(0, Math.floor((samples.length - win - maxLag) / hop))
  const f0 = new Float32Array(frames)
  let peak = 0
  for (const s of samples) peak = Math.max(peak, Math.abs(s))
  const floor = (peak * 0.05) ** 2 * win
  for (let f = 0; f < frames; f++) {
    const o = f * hop
    let energy = 0
    for (let i = 0; i < win; i++) energy += samples[o + i] * samples[o + i]
    if (energy < floor) continue
    let best = 0
    let bestLag = 0
    for (let lag = minLag; lag <= maxLag; lag++) {
      let num = 0
      let e2 = 0
      for (let i = 0; i < win; i++) {
        num += samples[o + i] * samples[o + i + lag]
        e2 += samples[o + i + lag] * samples[o + i + lag]
      }
      const r = num / Math.sqrt(energy * e2 + 1e-12)
      if (r > best) {
        best = r
        bestLag = lag
      }
    }
    if (best > 0.6) f0[f] = sampleRate / bestLag
  }
  return f0
}

/** Spread of voiced pitch in semitones (standard deviation around the median). */
export function pitchRangeSemitones(f0: Float32Array): number {
  const voiced = [...f0].filter((v) => v > 0).sort((a, b) => a - b)
  if (voiced.length < 10) return 0
  const median = voiced[voiced.length >> 1]
  const st = voiced.map((v) => 12 * Math.log2(v / median))
  const mean = st.reduce((a, b) => a + b, 0) / st.length
  return Math.sqrt(st.reduce((a, b) => a + (b - mean) ** 2, 0) / st.length)
}
