/** Small helpers shared by the evaluation scripts: ratios and Markdown tables. */

export interface Prf {
  tp: number
  fp: number
  fn: number
  precision: number | null
  recall: number | null
  f1: number | null
}

export function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp === 0 ? null : tp / (tp + fp)
  const recall = tp + fn === 0 ? null : tp / (tp + fn)
  const f1 = precision === null || recall === null || precision + recall === 0 ? null : (2 * precision * recall) / (precision + recall)
  return { tp, fp, fn, precision, recall, f1 }
}

export function pct(x: number | null): string {
  return x === null ? 'n/a' : (x * 100).toFixed(1) + '%'
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => '| ' + cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ') + ' |'
  return [line(header), '|' + header.map(() => '---').join('|') + '|', ...rows.map(line)].join('\n')
}

export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean =>
  a.start < b.end && b.start < a.end
