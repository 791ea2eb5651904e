import type { RewrapReport } from './rewrap.service.ts'
import type { TenantKeyStatus } from './keys.service.ts'

/** Key versions without key material; the provider's kind and key id say which root key wraps them. */
export function presentKeyStatus(status: TenantKeyStatus, provider: { kind: string; keyId: string }) {
  return {
    tenantId: status.tenantId,
    provider: { kind: provider.kind, keyId: provider.keyId },
    versions: status.versions.map((v) => ({
      version: v.version,
      state: v.state,
      rootKeyId: v.rootKeyId,
      createdAt: v.createdAt.toISOString(),
      retiredAt: v.retiredAt ? v.retiredAt.toISOString() : null,
      destroyedAt: v.destroyedAt ? v.destroyedAt.toISOString() : null,
      messages: v.messages,
      conversations: v.conversations,
    })),
  }
}

export function presentRotation(r: { fromVersion: number | null; toVersion: number }) {
  return { fromVersion: r.fromVersion, toVersion: r.toVersion }
}

export function presentRewrap(r: RewrapReport) {
  return { toVersion: r.toVersion, messages: r.messages, conversations: r.conversations, batches: r.batches, complete: r.complete }
}
