import pkg from '../../package.json' with { type: 'json' }
import type { AuditRecord } from './events.repo.ts'

/** OCSF schema version the export follows (https://schema.ocsf.io/1.3.0). */
export const OCSF_VERSION = '1.3.0'
const VENDOR = 'Strongroom project'

interface OcsfClass {
  uid: number
  name: string
  categoryUid: number
  categoryName: string
}

const IAM = { categoryUid: 3, categoryName: 'Identity & Access Management' }
const APPLICATION = { categoryUid: 6, categoryName: 'Application Activity' }
const ACCOUNT_CHANGE: OcsfClass = { uid: 3001, name: 'Account Change', ...IAM }
const AUTHENTICATION: OcsfClass = { uid: 3002, name: 'Authentication', ...IAM }
const ENTITY_MANAGEMENT: OcsfClass = { uid: 3004, name: 'Entity Management', ...IAM }
const API_ACTIVITY: OcsfClass = { uid: 6003, name: 'API Activity', ...APPLICATION }

type Mapping = readonly [OcsfClass, activityId: number, activityName: string]

/**
 * Strongroom event type -> OCSF class and activity. Logins are Authentication; what a user does through the API
 * (search, chat, their own data, an auditor's reads) is API Activity; changes an administrator or a job makes to
 * managed things (documents, keys, retention rules, holds) are Entity Management; changes to an account are Account
 * Change. An unlisted type is exported as API Activity "Other" with its name in metadata.event_code, so a new event
 * reaches the SIEM before its row here.
 *
 * | event type           | class_uid (name)        | activity_id (name)   | note                                        |
 * |----------------------|-------------------------|----------------------|---------------------------------------------|
 * | auth.login           | 3002 Authentication     | 1 Logon              | failures in the _system chain               |
 * | auth.logout          | 3002 Authentication     | 2 Logoff             |                                             |
 * | auth.token_rejected  | 3002 Authentication     | 99 Other             | activity_name "Token Validation"            |
 * | retrieval.decision   | 6003 API Activity       | 2 Read               | search and chat retrieval                   |
 * | chat.answer          | 6003 API Activity       | 1 Create             | an answer message was created               |
 * | guard.block          | 6003 API Activity       | 1 Create             | status Failure: input or output refused     |
 * | conversation.delete  | 6003 API Activity       | 4 Delete             |                                             |
 * | dsr.export           | 6003 API Activity       | 2 Read               | a user's export of their own data           |
 * | audit.read/.export/.verify | 6003 API Activity | 2 Read               | the auditor API's own reads                 |
 * | dsr.delete           | 3001 Account Change     | 6 Delete             | erasure of a user's data and profile        |
 * | role.assign/.revoke  | 3001 Account Change     | 7 Attach / 8 Detach Policy |                                       |
 * | document.ingest      | 3004 Entity Management  | 1 Create             |                                             |
 * | document.replace     | 3004 Entity Management  | 3 Update             |                                             |
 * | document.delete      | 3004 Entity Management  | 4 Delete             |                                             |
 * | document.quarantine  | 3004 Entity Management  | 12 Suspend           |                                             |
 * | document.release     | 3004 Entity Management  | 13 Resume            |                                             |
 * | key.rotate, key.rewrap | 3004 Entity Management | 3 Update            |                                             |
 * | key.shred            | 3004 Entity Management  | 4 Delete             | crypto-shredding of a tenant's keys         |
 * | retention.update     | 3004 Entity Management  | 3 Update             |                                             |
 * | legal_hold.place     | 3004 Entity Management  | 1 Create             |                                             |
 * | legal_hold.release   | 3004 Entity Management  | 11 Deactivate        |                                             |
 * | purge.run            | 3004 Entity Management  | 4 Delete             | retention purge batch                       |
 * | admin.action         | 3004 Entity Management  | 99 Other             |                                             |
 * | (any other)          | 6003 API Activity       | 99 Other             |                                             |
 *
 * status_id: success 1 (Success); failure and denied 2 (Failure), with status_detail naming which.
 * severity_id: success 1 (Informational), failure 2 (Low), denied 3 (Medium): a refusal is what a SOC looks for.
 */
const MAPPINGS: Readonly<Record<string, Mapping>> = {
  'auth.login': [AUTHENTICATION, 1, 'Logon'],
  'auth.logout': [AUTHENTICATION, 2, 'Logoff'],
  'auth.token_rejected': [AUTHENTICATION, 99, 'Token Validation'],
  'retrieval.decision': [API_ACTIVITY, 2, 'Read'],
  'chat.answer': [API_ACTIVITY, 1, 'Create'],
  'guard.block': [API_ACTIVITY, 1, 'Create'],
  'conversation.delete': [API_ACTIVITY, 4, 'Delete'],
  'dsr.export': [API_ACTIVITY, 2, 'Read'],
  'audit.read': [API_ACTIVITY, 2, 'Read'],
  'audit.export': [API_ACTIVITY, 2, 'Read'],
  'audit.verify': [API_ACTIVITY, 2, 'Read'],
  'dsr.delete': [ACCOUNT_CHANGE, 6, 'Delete'],
  'role.assign': [ACCOUNT_CHANGE, 7, 'Attach Policy'],
  'role.revoke': [ACCOUNT_CHANGE, 8, 'Detach Policy'],
  'document.ingest': [ENTITY_MANAGEMENT, 1, 'Create'],
  'document.replace': [ENTITY_MANAGEMENT, 3, 'Update'],
  'document.delete': [ENTITY_MANAGEMENT, 4, 'Delete'],
  'document.quarantine': [ENTITY_MANAGEMENT, 12, 'Suspend'],
  'document.release': [ENTITY_MANAGEMENT, 13, 'Resume'],
  'key.rotate': [ENTITY_MANAGEMENT, 3, 'Update'],
  'key.rewrap': [ENTITY_MANAGEMENT, 3, 'Update'],
  'key.shred': [ENTITY_MANAGEMENT, 4, 'Delete'],
  'retention.update': [ENTITY_MANAGEMENT, 3, 'Update'],
  'legal_hold.place': [ENTITY_MANAGEMENT, 1, 'Create'],
  'legal_hold.release': [ENTITY_MANAGEMENT, 11, 'Deactivate'],
  'purge.run': [ENTITY_MANAGEMENT, 4, 'Delete'],
  'admin.action': [ENTITY_MANAGEMENT, 99, 'Other'],
}
const FALLBACK: Mapping = [API_ACTIVITY, 99, 'Other']

const STATUS: Record<string, [id: number, name: string]> = { success: [1, 'Success'], failure: [2, 'Failure'], denied: [2, 'Failure'] }
const SEVERITY: Record<string, [id: number, name: string]> = {
  success: [1, 'Informational'],
  failure: [2, 'Low'],
  denied: [3, 'Medium'],
}

export function ocsfMapping(type: string): Mapping {
  return Object.hasOwn(MAPPINGS, type) ? MAPPINGS[type]! : FALLBACK
}

/**
 * One audit entry as an OCSF event. It carries what the entry stores and nothing more: ids, codes and counts in
 * `unmapped`, the user id as actor.user.uid, never content. metadata.uid is "<tenant>:<seq>", unique and stable, so
 * a SIEM can de-duplicate a re-export; metadata.sequence keeps the chain position.
 */
export function toOcsf(tenantId: string, e: AuditRecord): Record<string, unknown> {
  const [cls, activityId, activityName] = ocsfMapping(e.type)
  const [statusId, status] = STATUS[e.outcome] ?? [0, 'Unknown']
  const [severityId, severity] = SEVERITY[e.outcome] ?? [0, 'Unknown']
  return {
    class_uid: cls.uid,
    class_name: cls.name,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: cls.uid * 100 + activityId,
    type_name: `${cls.name}: ${activityName}`,
    time: e.occurredAt.getTime(),
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    ...(e.outcome === 'denied' ? { status_detail: 'denied' } : {}),
    actor: { user: { uid: e.actor } },
    ...(cls === API_ACTIVITY ? { api: { operation: e.type } } : {}),
    metadata: {
      product: { name: 'Strongroom', vendor_name: VENDOR, version: pkg.version },
      version: OCSF_VERSION,
      uid: `${tenantId}:${e.seq}`,
      sequence: e.seq,
      tenant_uid: tenantId,
      event_code: e.type,
      log_name: 'audit_log',
    },
    unmapped: e.data,
  }
}
