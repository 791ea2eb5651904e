import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { levelCounts, type AccessGroup } from '../../server/retrieval/access-groups.ts'
import type { Subject } from '../../server/policy/rule.ts'

const alice: Subject = { userId: 'alice', tenantId: 'acme', clearance: 'confidential', departments: ['engineering'], groups: ['eng-all'] }
const group = (level: number, chunks: number, g: Partial<AccessGroup> = {}): AccessGroup =>
  ({ level, departments: [], allowedPrincipals: [], quarantined: false, chunks, ...g })

describe('visible chunks per level from a tenant\'s access groups', () => {
  it('when groups differ in each attribute the rule reads, then only those the rule allows count as visible, and all count for the tenant', () => {
    const counts = levelCounts([
      group(0, 1),
      group(1, 10, { departments: ['engineering', 'hr'] }),
      group(1, 20, { departments: ['finance'] }),
      group(2, 100, { allowedPrincipals: ['group:eng-all'] }),
      group(2, 200, { allowedPrincipals: ['user:bob'] }),
      group(2, 400, { quarantined: true }),
      group(3, 1000),
      group(1, 5, { departments: ['engineering'] }),
    ], alice)
    assert.deepEqual(counts, { visible: [1, 15, 100, 0], tenant: [1, 35, 700, 1000] })
  })

  it('when a tenant has no documents, then every level counts 0; a level outside the four is refused', () => {
    assert.deepEqual(levelCounts([], alice), { visible: [0, 0, 0, 0], tenant: [0, 0, 0, 0] })
    assert.throws(() => levelCounts([group(4, 1)], alice), /no classification at level 4/)
  })
})
