import { recordAudit } from '../audit/audit.service.ts'
import { SYSTEM_TENANT } from '../audit/event.ts'
import type { Database } from '../db/pool.ts'
import type { Logger } from '../logger.ts'
import type { IdentityAudit } from './identity.ts'

/**
 * Identity events in the audit log: logins by tenant chain; failures and token rejections, which have no trusted
 * tenant yet, in the system chain. Codes only: never a token, a password or a claim value beyond the user id.
 */
export function identityAudit(db: Database, logger: Logger): IdentityAudit {
  return {
    async login(p) {
      await recordAudit(db, p.tenantId, {
        type: 'auth.login', actor: p.userId, outcome: 'success', data: { method: 'oidc', amr: p.amr },
      })
    },
    async loginFailed(reason) {
      await recordAudit(db, SYSTEM_TENANT, { type: 'auth.login', actor: 'anonymous', outcome: 'failure', data: { reason } })
    },
    tokenRejected(code, route) {
      // Not awaited: a rejected request must not wait on, or fail because of, its audit write.
      recordAudit(db, SYSTEM_TENANT, {
        type: 'auth.token_rejected', actor: 'anonymous', outcome: 'denied', data: { reason: code, route },
      }).catch((err: unknown) => logger.error({ err }, 'audit write failed'))
    },
  }
}
