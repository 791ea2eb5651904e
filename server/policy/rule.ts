import type { AccessScope } from '../db/tx.ts'
import { levelOf, type Classification } from './levels.ts'

/**
 * Version of the access rule, recorded with every retrieval decision in the audit log. Change it whenever the rule,
 * its SQL form (sql.ts) or the RLS policies change meaning.
 */
export const POLICY_VERSION = 'abac-1'

/** The attributes of a principal that the rule reads. Built only from a verified token (server/auth). */
export interface Subject {
  userId: string
  tenantId: string
  clearance: Classification
  departments: readonly string[]
  groups: readonly string[]
}

/** The access attributes of a document, copied onto each of its chunks. */
export interface Resource {
  tenantId: string
  classification: Classification
  departments: readonly string[]
  /** `user:<id>` or `group:<name>`; empty means no allow-list. */
  allowedPrincipals: readonly string[]
  quarantined: boolean
}

/**
 * The access rule, once, as a pure function. Same tenant; classification at or below clearance; no departments or
 * a shared one; no allow-list or the subject is on it; not quarantined. Its SQL form (sql.ts, and the RLS policies
 * in migrations/0002) must agree with it; test/unit/policy-rule.test.ts checks that on random inputs.
 */
export function canSee(subject: Subject, resource: Resource): boolean {
  if (resource.tenantId !== subject.tenantId) return false
  if (levelOf(resource.classification) > levelOf(subject.clearance)) return false
  if (resource.departments.length > 0 && !resource.departments.some((d) => subject.departments.includes(d))) {
    return false
  }
  if (resource.allowedPrincipals.length > 0) {
    const mine = principalsOf(subject)
    if (!resource.allowedPrincipals.some((p) => mine.includes(p))) return false
  }
  return !resource.quarantined
}

/** The allow-list entries that name this subject. */
export function principalsOf(subject: Pick<Subject, 'userId' | 'groups'>): string[] {
  return [`user:${subject.userId}`, ...subject.groups.map((g) => `group:${g}`)]
}

/** The transaction-local settings row-level security reads for this subject (server/db/tx.ts withPrincipal). */
export function scopeOf(subject: Subject): AccessScope {
  return {
    tenantId: subject.tenantId,
    userId: subject.userId,
    clearance: levelOf(subject.clearance),
    departments: [...subject.departments],
    principals: principalsOf(subject),
  }
}
