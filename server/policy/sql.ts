import type { AccessScope } from '../db/tx.ts'

/**
 * The access rule as a SQL predicate over a chunks or documents row aliased `alias`, with bound parameters starting
 * at `$firstParam`. Retrieval queries carry it so the rule holds even if row-level security were misconfigured;
 * RLS (migrations/0002) enforces the same rule again from transaction-local settings.
 */
export function accessPredicate(alias: string, scope: AccessScope, firstParam: number) {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error('invalid alias')
  const p = (i: number) => `$${firstParam + i}`
  const text =
    `(${alias}.tenant_id = ${p(0)} AND ${alias}.classification <= ${p(1)}::int` +
    ` AND (${alias}.departments = '{}' OR ${alias}.departments && ${p(2)}::text[])` +
    ` AND (${alias}.allowed_principals = '{}' OR ${alias}.allowed_principals && ${p(3)}::text[])` +
    ` AND NOT ${alias}.quarantined)`
  return { text, values: [scope.tenantId, scope.clearance, [...scope.departments], [...scope.principals]] }
}
