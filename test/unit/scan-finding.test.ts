import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countByType, dropContained, resolveOverlaps, type Finding } from '../../server/scan/finding.ts'

const f = (type: string, start: number, end: number): Finding => ({ type, start, end })

describe('finding helpers', () => {
  it('when findings overlap, then the better-ranked type wins and disjoint ones all stay, in order', () => {
    const rank = (t: string) => ({ CARD: 0, PHONE: 9 })[t] ?? 5
    const out = resolveOverlaps([f('PHONE', 0, 10), f('CARD', 2, 12), f('PHONE', 20, 25), f('OTHER', 11, 15), f('X', 30, 30)], rank)
    assert.deepEqual(out, [f('CARD', 2, 12), f('PHONE', 20, 25)])
  })

  it('when ranks are equal, then the longer span wins', () => {
    assert.deepEqual(resolveOverlaps([f('A', 0, 4), f('B', 2, 10)], () => 1), [f('B', 2, 10)])
  })

  it('when findings are nested or duplicated, then only the outer ones remain; partial overlaps stay', () => {
    const out = dropContained([f('INNER', 3, 5), f('OUTER', 0, 10), f('OUTER', 0, 10), f('PARTIAL', 8, 14), f('LATER', 20, 22)])
    assert.deepEqual(out, [f('OUTER', 0, 10), f('PARTIAL', 8, 14), f('LATER', 20, 22)])
  })

  it('when findings are counted, then the result maps types to numbers', () => {
    assert.deepEqual(countByType([f('EMAIL', 0, 1), f('EMAIL', 2, 3), f('IBAN', 4, 5)]), { EMAIL: 2, IBAN: 1 })
  })
})
