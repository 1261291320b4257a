import { describe, expect, it } from 'vitest'
import { diarizationErrorRate } from '../../src/diarization/der.js'

const reference = [
  { speaker: 'agent', start: 0, end: 10 },
  { speaker: 'caller', start: 10, end: 20 }
]

describe('diarizationErrorRate', () => {
  it('is zero for a perfect hypothesis whatever its labels', () => {
    const r = diarizationErrorRate(reference, [
      { speaker: 'B', start: 0, end: 10 },
      { speaker: 'A', start: 10, end: 20 }
    ])
    expect(r.rate).toBe(0)
    expect(r.mapping).toEqual({ B: 'agent', A: 'caller' })
  })

  it('counts everything as missed when nothing is found', () => {
    const r = diarizationErrorRate(reference, [])
    expect(r.rate).toBeCloseTo(1, 5)
    expect(r.missed).toBeCloseTo(r.scored, 5)
  })

  it('counts one speaker for the whole call as confusion on the other half', () => {
    const r = diarizationErrorRate(reference, [{ speaker: 'A', start: 0, end: 20 }], { collar: 0 })
    expect(r.confusion).toBeCloseTo(10, 5)
    expect(r.rate).toBeCloseTo(0.5, 5)
  })

  it('counts speech reported in silence as false alarm', () => {
    const r = diarizationErrorRate(
      [{ speaker: 'x', start: 0, end: 10 }],
      [
        { speaker: 'A', start: 0, end: 10 },
        { speaker: 'A', start: 15, end: 17 }
      ]
    )
    expect(r.falseAlarm).toBeCloseTo(2, 5)
    expect(r.rate).toBeCloseTo(2 / r.scored, 5)
  })

  it('forgives boundary errors inside the collar, not outside it', () => {
    const late = [
      { speaker: 'A', start: 0, end: 10.2 },
      { speaker: 'B', start: 10.2, end: 20 }
    ]
    expect(diarizationErrorRate(reference, late).rate).toBe(0)
    expect(diarizationErrorRate(reference, late, { collar: 0 }).confusion).toBeCloseTo(0.2, 5)
  })

  it('maps one-to-one: a third hypothesis speaker is confusion, not a match', () => {
    const r = diarizationErrorRate(
      reference,
      [
        { speaker: 'A', start: 0, end: 10 },
        { speaker: 'B', start: 10, end: 16 },
        { speaker: 'C', start: 16, end: 20 }
      ],
      { collar: 0 }
    )
    expect(r.confusion).toBeCloseTo(4, 5)
    expect(Object.keys(r.mapping).sort()).toEqual(['A', 'B'])
  })

  it('scores overlapping reference speech per speaker', () => {
    const overlapped = [
      { speaker: 'x', start: 0, end: 10 },
      { speaker: 'y', start: 5, end: 10 }
    ]
    const r = diarizationErrorRate(overlapped, [{ speaker: 'A', start: 0, end: 10 }], { collar: 0 })
    expect(r.scored).toBeCloseTo(15, 5)
    expect(r.missed).toBeCloseTo(5, 5)
  })

  it('is zero when there is neither reference nor hypothesis', () => {
    expect(diarizationErrorRate([], []).rate).toBe(0)
  })
})
