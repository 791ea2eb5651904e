import { readFileSync } from 'node:fs'
import path from 'node:path'
import { findPii } from '../../server/scan/pii.ts'
import type { Finding } from '../../server/scan/finding.ts'
import { overlaps, pct, prf, table, type Prf } from './metrics.ts'

/**
 * Span-level PII evaluation on presidio-research synth_dataset_v2. A predicted span is a true positive when it
 * overlaps a gold span whose label maps to the predicted type; a gold span is recalled when any prediction of a
 * mapped type overlaps it. Every prediction that matches no compatible gold span is a false positive, including
 * predictions of types the dataset has no label for (they can only be wrong or unlabelled there).
 */

interface Span {
  entity_type: string
  start_position: number
  end_position: number
}
interface Record {
  full_text: string
  spans: Span[]
}

/** Gold label -> our type. DATE_TIME is every date and time, so DATE_OF_BIRTH is scored for precision only. */
const LABEL_TO_TYPE: Readonly<{ [label: string]: string }> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CREDIT_CARD',
  IBAN_CODE: 'IBAN',
  US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
  US_DRIVER_LICENSE: 'DRIVER_LICENSE',
}
const PRECISION_ONLY: Readonly<{ [type: string]: string }> = { DATE_OF_BIRTH: 'DATE_TIME' }

export interface PiiEval {
  records: number
  perType: { type: string; label: string; gold: number; predicted: number; score: Prf }[]
  overall: Prf
  precisionOnly: { type: string; label: string; predicted: number; tp: number }[]
  unmappedPredictions: { [type: string]: number }
  notCovered: { label: string; gold: number }[]
  confusions: { [key: string]: number }
}

export function evalPii(evalDir: string): PiiEval {
  const records = JSON.parse(readFileSync(path.join(evalDir, 'pii', 'presidio_synth_dataset_v2.json'), 'utf8')) as Record[]
  const stats = new Map<string, { tp: number; fp: number; fn: number; gold: number; predicted: number }>()
  const stat = (t: string) => stats.get(t) ?? stats.set(t, { tp: 0, fp: 0, fn: 0, gold: 0, predicted: 0 }).get(t)!
  const goldByLabel: { [label: string]: number } = {}
  const precisionOnly = new Map<string, { predicted: number; tp: number }>()
  const unmapped: { [type: string]: number } = {}
  const confusions: { [key: string]: number } = {}
  let unmappedFp = 0

  for (const rec of records) {
    const gold = rec.spans.map((s) => ({ label: s.entity_type, start: s.start_position, end: s.end_position }))
    const pred: Finding[] = findPii(rec.full_text)
    for (const g of gold) {
      goldByLabel[g.label] = (goldByLabel[g.label] ?? 0) + 1
      const type = LABEL_TO_TYPE[g.label]
      if (!type) continue
      const s = stat(type)
      s.gold++
      if (!pred.some((p) => p.type === type && overlaps(p, g))) s.fn++
    }
    for (const p of pred) {
      const compatible = gold.some((g) => overlaps(p, g) && (LABEL_TO_TYPE[g.label] === p.type || PRECISION_ONLY[p.type] === g.label))
      if (!compatible) {
        for (const g of gold.filter((x) => overlaps(p, x))) confusions[`${p.type} on ${g.label}`] = (confusions[`${p.type} on ${g.label}`] ?? 0) + 1
      }
      if (PRECISION_ONLY[p.type]) {
        const e = precisionOnly.get(p.type) ?? { predicted: 0, tp: 0 }
        e.predicted++
        if (compatible) e.tp++
        precisionOnly.set(p.type, e)
        continue
      }
      if (!Object.values(LABEL_TO_TYPE).includes(p.type)) {
        unmapped[p.type] = (unmapped[p.type] ?? 0) + 1
        unmappedFp++
        continue
      }
      const s = stat(p.type)
      s.predicted++
      if (compatible) s.tp++
      else s.fp++
    }
  }

  const perType = Object.entries(LABEL_TO_TYPE).map(([label, type]) => {
    const s = stat(type)
    return { type, label, gold: s.gold, predicted: s.predicted, score: prf(s.tp, s.fp, s.fn) }
  })
  const sum = (k: 'tp' | 'fp' | 'fn') => perType.reduce((a, r) => a + r.score[k], 0)
  const mapped = new Set(Object.keys(LABEL_TO_TYPE))
  return {
    records: records.length,
    perType,
    overall: prf(sum('tp'), sum('fp') + unmappedFp, sum('fn')),
    precisionOnly: [...precisionOnly].map(([type, v]) => ({ type, label: PRECISION_ONLY[type]!, ...v })),
    unmappedPredictions: unmapped,
    notCovered: Object.entries(goldByLabel)
      .filter(([l]) => !mapped.has(l))
      .map(([label, n]) => ({ label, gold: n }))
      .sort((a, b) => b.gold - a.gold),
    confusions,
  }
}

export function renderPii(r: PiiEval): string {
  const rows = r.perType.map((t) => [t.label, t.type, t.gold, t.predicted, t.score.tp, t.score.fp, t.score.fn, pct(t.score.precision), pct(t.score.recall), pct(t.score.f1)])
  rows.push(['**overall (covered labels)**', '', rows.reduce((a, x) => a + Number(x[2]), 0), '', r.overall.tp, r.overall.fp, r.overall.fn, pct(r.overall.precision), pct(r.overall.recall), pct(r.overall.f1)])
  const out = [
    `### PII: presidio synth_dataset_v2 (${r.records} sentences, span overlap)`,
    table(['gold label', 'our type', 'gold', 'predicted', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1'], rows),
    '',
    'Precision only (gold DATE_TIME covers all dates, so recall is not meaningful): ' +
      (r.precisionOnly.map((p) => `${p.type} ${p.tp}/${p.predicted} on ${p.label}`).join(', ') || 'no predictions'),
    '',
    'Predictions of types the dataset does not label (counted as FP in overall): ' +
      (Object.entries(r.unmappedPredictions).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'),
    '',
    'Gold labels we do not detect (not in the overall figures): ' + r.notCovered.map((c) => `${c.label} (${c.gold})`).join(', '),
    '',
    'Wrong-type overlaps (our type on gold label): ' + (Object.entries(r.confusions).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'),
  ]
  return out.join('\n')
}
