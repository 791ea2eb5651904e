import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { countsByLevel } from '../../server/policy/levels.ts'

describe('countsByLevel', () => {
  it('when some levels have no row, then they count 0 and the rest keep their level order', () => {
    assert.deepEqual(countsByLevel([{ level: 3, n: '7' }, { level: 1, n: 12 }]), [0, 12, 0, 7])
    assert.deepEqual(countsByLevel([]), [0, 0, 0, 0])
  })

  it('when a row names a level outside the four, then it is refused rather than widening the array', () => {
    assert.throws(() => countsByLevel([{ level: 4, n: '1' }]), /no classification at level 4/)
    assert.throws(() => countsByLevel([{ level: -1, n: '1' }]), RangeError)
  })
})
