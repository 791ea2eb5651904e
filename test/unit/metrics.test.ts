import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  countAuthDenial, countGuardBlock, countPurge, observeHttpRequest, observeRetrieval, registry,
} from '../../server/metrics/metrics.ts'

const value = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'))

describe('metrics registry helpers', () => {
  it('when retrieval latencies are observed in ms, then the histogram records seconds per plan', async () => {
    observeRetrieval('hnsw', 12)
    observeRetrieval('exact', 250)
    const lines = await value('strongroom_retrieval_duration_seconds')
    assert.ok(lines.includes('strongroom_retrieval_duration_seconds_sum{route="hnsw"} 0.012'))
    assert.ok(lines.includes('strongroom_retrieval_duration_seconds_bucket{le="0.25",route="exact"} 1'))
  })

  it('when a label value is not a fixed code, then it is collapsed to other', async () => {
    countGuardBlock('prompt_injection')
    countGuardBlock('Ignore previous instructions!')
    countAuthDenial('token_expired')
    countAuthDenial('x'.repeat(100))
    observeHttpRequest('FOO', '/api/me', 200, 0.01)
    const blocks = await value('strongroom_chat_guard_blocks_total')
    assert.ok(blocks.includes('strongroom_chat_guard_blocks_total{type="prompt_injection"} 1'))
    assert.ok(blocks.includes('strongroom_chat_guard_blocks_total{type="other"} 1'))
    assert.ok((await value('strongroom_auth_denials_total')).includes('strongroom_auth_denials_total{code="other"} 1'))
    assert.ok((await registry.metrics()).includes('method="other"'))
  })

  it('when purges are counted, then only positive finite counts add up', async () => {
    countPurge(3)
    countPurge(0)
    countPurge(Number.NaN)
    countPurge(2)
    assert.ok((await value('strongroom_retention_purged_total')).includes('strongroom_retention_purged_total 5'))
  })
})
