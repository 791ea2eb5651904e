import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOlder, pgvectorRefusal, PGVECTOR_SAFE_VERSION } from '../../server/db/pgvector-check.ts'

describe('pgvector start-up check', () => {
  it('when production runs pgvector below 0.8.2 with parallel maintenance workers, then start-up is refused and says why', () => {
    for (const version of ['0.6.0', '0.7.4', '0.8.0', '0.8.1']) {
      const message = pgvectorRefusal({ version, parallelMaintenanceWorkers: 2 }, 'production')
      assert.ok(message, version)
      assert.match(message, new RegExp(`pgvector ${version.replace(/\./g, '\\.')} is older than 0\\.8\\.2`))
      assert.match(message, /CVE-2026-3172/)
      assert.match(message, /max_parallel_maintenance_workers = 0/)
      assert.match(message, /ALTER EXTENSION vector UPDATE/)
    }
  })

  it('when production runs an old pgvector with parallel maintenance workers disabled, then it starts', () => {
    assert.equal(pgvectorRefusal({ version: '0.8.0', parallelMaintenanceWorkers: 0 }, 'production'), null)
  })

  it('when production runs pgvector 0.8.2 or later, then it starts whatever the workers', () => {
    for (const version of [PGVECTOR_SAFE_VERSION, '0.8.7', '0.9.0', '0.10.1', '1.0.0']) {
      assert.equal(pgvectorRefusal({ version, parallelMaintenanceWorkers: 8 }, 'production'), null, version)
    }
  })

  it('when not in production, then an old pgvector is accepted (CI builds 0.8.0 from Debian)', () => {
    for (const env of ['development', 'test']) {
      assert.equal(pgvectorRefusal({ version: '0.8.0', parallelMaintenanceWorkers: 2 }, env), null)
    }
  })

  it('when pgvector is not installed, then the check leaves the error to the migrations', () => {
    assert.equal(pgvectorRefusal({ version: null, parallelMaintenanceWorkers: 2 }, 'production'), null)
  })

  it('when versions are compared, then parts compare as numbers and unreadable versions count as old', () => {
    assert.equal(isOlder('0.10.0', '0.8.2'), false)
    assert.equal(isOlder('0.8.10', '0.8.2'), false)
    assert.equal(isOlder('0.8', '0.8.2'), true)
    assert.equal(isOlder('0.8.2', '0.8.2'), false)
    assert.equal(isOlder('0.8.1-dev', '0.8.2'), true)
    assert.equal(isOlder('unknown', '0.8.2'), true)
    assert.ok(pgvectorRefusal({ version: 'unknown', parallelMaintenanceWorkers: 1 }, 'production'))
  })
})
