import type { TopLevelSpec } from 'vega-lite'

/** The four bands as a horizontal bar chart, in SVG (vega renders it without a canvas). */
export async function bandChartSvg(bands: Array<{ criterion: string; band: number }>, target?: number | null): Promise<string> {
  const bars: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 320,
    height: 120,
    data: { values: bands },
    layer: [
      {
        mark: { type: 'bar', color: '#3b6ea5' },
        encoding: {
          y: { field: 'criterion', type: 'nominal', sort: null, title: null, axis: { labelLimit: 220 } },
          x: { field: 'band', type: 'quantitative', scale: { domain: [0, 9] }, axis: { tickCount: 9 }, title: 'Band' }
        }
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: { y: { field: 'criterion', type: 'nominal', sort: null }, x: { field: 'band', type: 'quantitative' }, text: { field: 'band' } }
      },
      ...(target
        ? [
            {
              data: { values: [{ target }] },
              mark: { type: 'rule' as const, color: '#c0392b', strokeDash: [4, 3] },
              encoding: { x: { field: 'target', type: 'quantitative' as const } }
            }
          ]
        : [])
    ]
  }
  // Imported when first needed, as harper.js is in grammar.ts: tsx worker threads cannot load ESM-only packages statically.
  const vega = await import('vega')
  const { compile } = await import('vega-lite')
  const view = new vega.View(vega.parse(compile(bars).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
