import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { vectorIndexDefinition, VECTOR_INDEXES } from '../../ingest/vector-index-definition.ts'
import { graphDistance, graphExpression, graphPrecision } from '../../server/retrieval/graph-precision.ts'

describe('graph precision', () => {
  it('when the engine is a server, then the graphs hold half precision; on PGlite full precision', () => {
    assert.equal(graphPrecision('postgres'), 'half')
    assert.equal(graphPrecision('pglite'), 'full')
  })

  it('when the search orders by graphDistance, then its left side is the expression the index definition holds', () => {
    const index = VECTOR_INDEXES[1] as (typeof VECTOR_INDEXES)[number]
    assert.equal(graphDistance('half', 64, 'c.embedding', '$1'), '(c.embedding)::halfvec(64) <=> $1::halfvec(64)')
    assert.ok(vectorIndexDefinition(index, 64, 'half').includes(`(${graphExpression('half', 64).expression}) halfvec_cosine_ops`))
    assert.equal(graphDistance('full', 64, 'c.embedding', '$1'), 'c.embedding <=> $1::vector')
    assert.ok(vectorIndexDefinition(index, 64, 'full').includes(`(${graphExpression('full', 64).expression} vector_cosine_ops)`))
  })

  it('when a dimension, column or parameter reference is not a plain one, then it is refused before it reaches SQL', () => {
    assert.throws(() => graphExpression('half', 0), RangeError)
    assert.throws(() => graphExpression('half', 1.5), RangeError)
    assert.throws(() => graphExpression('half', 8, 'embedding; DROP TABLE chunks'), RangeError)
    assert.throws(() => graphDistance('half', 8, 'c.embedding', '$1; --'), RangeError)
    assert.throws(() => graphDistance('full', 8, 'c.embedding', '1'), RangeError)
  })
})
