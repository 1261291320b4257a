import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import type { CriterionScore } from './bands.js'
import { bandChartSvg } from './chart.js'
import { maskPii } from './pii.js'
import { CRITERION_NAMES, type LearnerError } from './types.js'
import type { PronunciationReport } from './analyse.js'

export interface ReportInput {
  learner: string
  sessionDate: Date
  part: string
  topic?: string | null
  targetBand?: number | null
  overall: number
  criteria: CriterionScore[]
  errors: LearnerError[]
  pronunciation: PronunciationReport
  summary: { words_spoken: number; speaking_seconds: number; words_per_minute: number; long_pauses: number; fillers: number }
  drills: Array<{ title: string; instruction: string; dueAt: Date }>
}

const SHORT_NAMES = { fluency_coherence: 'Fluency', lexical_resource: 'Vocabulary', grammatical_range_accuracy: 'Grammar', pronunciation: 'Pronunciation' }
const INK = '#1f2933'
const MUTED = '#52606d'
// pdfkit's standard fonts cover Latin-1 only; anything else would print as garbage.
const latin1 = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, '?')

/** The learner's report as a PDF: bands and chart, evidence, errors with corrections, pronunciation, drills. */
export async function renderReport(input: ReportInput): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: 'IELTS Speaking practice report', Creator: 'voxlens' } })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const text = (s: string, opts: PDFKit.Mixins.TextOptions = {}) => doc.text(latin1(s), opts)
  // What the learner said may hold personal data; our own lines (dates, numbers) must stay as they are.
  const said = (s: string) => maskPii(s)
  const heading = (s: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor(INK)
    text(s)
    doc.moveDown(0.3).font('Helvetica').fontSize(10)
  }

  doc.font('Helvetica-Bold').fontSize(20).fillColor(INK)
  text('IELTS Speaking practice report')
  doc.font('Helvetica').fontSize(10).fillColor(MUTED)
  text(
    `${said(input.learner)} - ${input.sessionDate.toISOString().slice(0, 16).replace('T', ' ')} UTC - ${input.part === 'full' ? 'full test' : `Part ${input.part}`}${input.topic ? ` - topic: ${input.topic}` : ''}`
  )
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(16).fillColor(INK)
  text(`Overall band ${input.overall.toFixed(1)}${input.targetBand ? `   (target ${input.targetBand.toFixed(1)})` : ''}`)
  doc.font('Helvetica').fontSize(10)
  for (const c of input.criteria) text(`${CRITERION_NAMES[c.criterion]}: band ${c.band.toFixed(1)}${c.criterion === 'pronunciation' ? ' (provisional)' : ''}`)

  const svg = await bandChartSvg(
    input.criteria.map((c) => ({ criterion: SHORT_NAMES[c.criterion], band: c.band })),
    input.targetBand
  )
  doc.moveDown(0.5)
  const y = doc.y
  SVGtoPDF(doc, svg, 50, y, { width: 400, height: 150, preserveAspectRatio: 'xMinYMin meet' })
  doc.y = y + 155
  doc.x = 50

  const s = input.summary
  text(
    `${s.words_spoken} words in ${Math.round(s.speaking_seconds)} s of speech (${Math.round(s.words_per_minute)} words a minute), ${s.long_pauses} long pauses, ${s.fillers} fillers.`,
    { width: 495 }
  )

  heading('Evidence by criterion')
  for (const c of input.criteria) {
    doc.font('Helvetica-Bold')
    text(`${CRITERION_NAMES[c.criterion]} - band ${c.band.toFixed(1)}`)
    doc.font('Helvetica-Oblique').fillColor(MUTED)
    text(c.descriptor, { width: 495 })
    doc.font('Helvetica').fillColor(INK)
    for (const e of c.evidence) text(`"${said(e.quote)}" - ${said(e.why)}`, { width: 480, indent: 10 })
    if (c.limitations) {
      doc.fillColor(MUTED)
      text(c.limitations, { width: 495 })
      doc.fillColor(INK)
    }
    doc.moveDown(0.4)
  }

  heading('Errors to work on')
  const shown = input.errors.slice(0, 12)
  if (shown.length === 0) text('No errors were found in what the recogniser heard clearly.')
  for (const e of shown) text(`${e.type.replace('_', ' ')}: "${said(e.text)}" -> "${said(e.correction)}". ${e.explanation}`, { width: 495 })

  heading('Pronunciation')
  const p = input.pronunciation
  const m = p.measured
  if (p.scores) {
    doc.font('Helvetica-Bold')
    text(
      `Pronunciation ${Math.round(p.scores.overall)} / 100 - accuracy ${Math.round(p.scores.accuracy)}, fluency ${Math.round(p.scores.fluency)}, completeness ${Math.round(p.scores.completeness)}, prosody ${Math.round(p.scores.prosody)}`
    )
    doc.font('Helvetica')
  }
  text(p.reason, { width: 495 })
  const flagged = p.flagged ?? []
  if (p.scores) {
    if (flagged.length === 0) text('No word was flagged as mispronounced.')
    else {
      text('Words to practise (accuracy out of 100; the sounds heard least like the word, each out of 100):')
      for (const w of flagged.slice(0, 10)) {
        const weakest = [...w.phonemes]
          .sort((a, b) => a.accuracy - b.accuracy)
          .slice(0, 2)
          .map((ph) => `${ph.phoneme} ${Math.round(ph.accuracy)}`)
        text(`"${said(w.word)}" ${Math.round(w.accuracy)} - ${w.error_type === 'Omission' ? 'hardly heard' : 'mispronounced'}; sounds: ${weakest.join(', ')}`, {
          width: 480,
          indent: 10
        })
      }
    }
  }
  text(`Mean recogniser confidence ${m.mean_word_confidence.toFixed(2)}; words heard with low confidence ${Math.round(m.low_confidence_share * 100)}%.`)
  if (p.limitations) {
    doc.fillColor(MUTED)
    text(p.limitations, { width: 495 })
    doc.fillColor(INK)
  }

  heading('Your drills')
  if (input.drills.length === 0) text('No drills scheduled.')
  for (const d of input.drills) text(`${d.title} - next review ${d.dueAt.toISOString().slice(0, 10)}: ${d.instruction}`, { width: 495 })

  doc.end()
  return done
}
