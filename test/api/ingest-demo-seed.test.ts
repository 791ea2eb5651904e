import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withPrincipal } from '../../server/db/tx.ts'
import { DEMO_CORPUS } from '../../server/demo/corpus.ts'
import { seedDemoCorpus } from '../../server/demo/seed.ts'
import { ingestDeps, scopeOf, storedRows } from '../helpers/ingest-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const ACME_PUBLIC_INTERNAL = ['customer-support-faq', 'expense-policy', 'holiday-policy', 'office-visitors-and-wifi', 'release-notes-v2']

describe('demo corpus seed', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  async function visibleTo(user: string): Promise<string[]> {
    const { rows } = await withPrincipal(t.db, scopeOf(user), (tx) =>
      tx.query(`SELECT DISTINCT d.source FROM documents d JOIN chunks c USING (tenant_id, document_id) ORDER BY 1`))
    return rows.map((r) => (r.source as string).replace(/^demo:\w+\//, '').replace(/\.md$/, '')).sort()
  }

  it('when the database is empty, then every demo document is ingested through the pipeline', async () => {
    const report = await seedDemoCorpus(ingestDeps(t))
    assert.deepEqual(report, { seeded: true, counts: { added: DEMO_CORPUS.length } })
  })

  it('when the seed runs again, then it does nothing', async () => {
    assert.deepEqual(await seedDemoCorpus(ingestDeps(t)), { seeded: false, counts: {} })
  })

  it('when each demo user looks, then each sees a different slice of the corpus', async () => {
    assert.deepEqual(await visibleTo('mallory'), ['customer-support-faq', 'holiday-policy', 'office-visitors-and-wifi'])
    assert.deepEqual(await visibleTo('erin'), ACME_PUBLIC_INTERNAL)
    assert.deepEqual(await visibleTo('bob'), [...ACME_PUBLIC_INTERNAL, 'budget-process', 'supplier-invoice-notes', 'vendor-payment-runbook'].sort())
    assert.deepEqual(await visibleTo('alice'), [...ACME_PUBLIC_INTERNAL, 'architecture-overview', 'deployment-notes',
      'incident-postmortem-2024-03', 'it-onboarding', 'on-call-handbook', 'security-roadmap'].sort())
    assert.deepEqual(await visibleTo('carol'), [...ACME_PUBLIC_INTERNAL, 'acquisition-memo', 'architecture-overview',
      'board-minutes-2024-q4', 'budget-process', 'deployment-notes', 'incident-postmortem-2024-03', 'it-onboarding',
      'layoff-plan', 'on-call-handbook', 'q3-revenue-forecast', 'supplier-invoice-notes', 'vendor-payment-runbook'].sort())
    assert.deepEqual(await visibleTo('dave'), ['eng-onboarding', 'holiday-policy', 'incident-postmortem-telemetry', 'rocket-engine-test-report'])
  })

  it('when the scanner sees the demo traps, then the credential is redacted and the planted instruction flagged', async () => {
    const { documents, chunks } = await storedRows(t.db)
    const notes = documents.find((d) => d.source === 'demo:acme/deployment-notes.md')
    assert.ok(Object.keys(notes.findings).length > 0)
    const noteText = chunks.filter((c) => c.document_id === notes.document_id).map((c) => c.text).join('\n')
    assert.ok(!noteText.includes('Stg-Demo-7f3Kq9xW2vL8pR4t'))
    const invoice = documents.find((d) => d.source === 'demo:acme/supplier-invoice-notes.md')
    assert.equal(invoice.findings.PROMPT_INJECTION, 1)
    assert.ok(chunks.some((c) => c.document_id === invoice.document_id && c.instruction_flagged))
  })
})
