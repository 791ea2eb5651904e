import type { Config } from '../server/config.ts'
import { BadRequestError } from '../server/errors.ts'
import { isClassification, levelOf } from '../server/policy/levels.ts'
import type { IngestInput } from './types.ts'

/** Allow-list entries: a user id or a group name, as principals carry them (server/db/tx.ts AccessScope). */
export const ALLOW_ENTRY = /^(user|group):[A-Za-z0-9._@-]{1,128}$/
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
// Control and format characters would let a source or title spoof another in a listing.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Cs}]/u
const MAX_SOURCE = 1000
const MAX_TITLE = 300
const MAX_LIST = 64

/** The validated, canonical access attributes of a document. Lists are deduplicated and sorted. */
export interface DocumentAttributes {
  classification: number
  departments: string[]
  allowedPrincipals: string[]
  /** Only when given explicitly; otherwise the parsed title is used. */
  title?: string
}

/**
 * Checks the operator-assigned attributes before any parsing. A missing classification is refused unless
 * INGEST_DEFAULT_CLASSIFICATION is set: an unlabelled document must never become readable by default. Departments
 * must be configured ones, so a typo cannot create a department nobody belongs to (which would hide the document)
 * or silently widen access.
 */
export function validateAttributes(input: IngestInput, config: Pick<Config, 'ingest'>): DocumentAttributes {
  if (!TENANT_ID.test(input.tenantId)) throw new BadRequestError('invalid_tenant', 'the tenant id is not valid')
  checkText('source', input.source, MAX_SOURCE, 'invalid_source')
  const name = input.classification ?? config.ingest.defaultClassification
  if (name === undefined) {
    throw new BadRequestError('classification_required', 'a classification is required (public, internal, confidential or restricted)')
  }
  if (!isClassification(name)) {
    throw new BadRequestError('invalid_classification', 'classification must be public, internal, confidential or restricted')
  }
  const departments = canonical(input.departments, 'departments')
  const unknown = departments.find((d) => !config.ingest.departments.includes(d))
  if (unknown !== undefined) {
    throw new BadRequestError('unknown_department', `department "${unknown.slice(0, 64)}" is not one of INGEST_DEPARTMENTS (${config.ingest.departments.join(', ')})`)
  }
  const allowedPrincipals = canonical(input.allow, 'allow')
  if (allowedPrincipals.some((a) => !ALLOW_ENTRY.test(a))) {
    throw new BadRequestError('invalid_allow_entry', 'allow entries must look like user:<id> or group:<name>')
  }
  const attrs: DocumentAttributes = { classification: levelOf(name), departments, allowedPrincipals }
  if (input.title !== undefined) {
    const title = input.title.trim().replace(/\s+/g, ' ')
    checkText('title', title, MAX_TITLE, 'invalid_title')
    attrs.title = title
  }
  return attrs
}

/** Whether a stored document already carries exactly these attributes (so re-ingesting it changes nothing). */
export function sameAttributes(
  stored: { classification: number; departments: string[]; allowedPrincipals: string[]; title: string },
  attrs: DocumentAttributes,
): boolean {
  return (
    stored.classification === attrs.classification &&
    sameList(stored.departments, attrs.departments) &&
    sameList(stored.allowedPrincipals, attrs.allowedPrincipals) &&
    (attrs.title === undefined || attrs.title === stored.title)
  )
}

function canonical(values: readonly string[], what: string): string[] {
  if (values.length > MAX_LIST) throw new BadRequestError(`too_many_${what}`, `at most ${MAX_LIST} ${what} entries`)
  return [...new Set(values.map((v) => v.trim()))].sort()
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].sort()
  return x.length === b.length && x.every((v, i) => v === b[i])
}

function checkText(field: string, value: string, max: number, code: string): void {
  if (value.length === 0 || value.length > max || UNSAFE_CHARS.test(value)) {
    throw new BadRequestError(code, `${field} must be 1-${max} characters without control characters`)
  }
}
