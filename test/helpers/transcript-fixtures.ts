import { randomBytes } from 'node:crypto'
import { findDemoUser } from '../../server/auth/demo-users.ts'
import type { Principal } from '../../server/auth/principal.ts'
import type { RootKeyProvider } from '../../server/crypto/kms.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { createKeyring, type Keyring } from '../../server/keys/keyring.ts'
import type { NewMessage, StoredCitation } from '../../server/transcripts/transcript-types.ts'
import type { AppError } from '../../server/errors.ts'
import { openTestDatabase, type TestDatabase } from './test-db.ts'

/** A principal with a demo user's attributes, as the guard would build it from a verified token. */
export function principalOf(username: string, overrides: Partial<Principal> = {}): Principal {
  const u = findDemoUser(username)
  if (!u) throw new Error(`unknown demo user ${username}`)
  return {
    userId: u.username, tenantId: u.tenant, clearance: u.clearance, departments: [...u.departments],
    groups: [...u.groups], roles: [...u.roles], authTime: Math.floor(Date.now() / 1000), amr: ['pwd', 'otp'],
    ...overrides,
  }
}

export interface TranscriptTestDb extends TestDatabase {
  provider: RootKeyProvider
  keyring: Keyring
  deps: { db: TestDatabase['db']; keyring: Keyring }
}

/** A fresh migrated database (engine per TEST_DATABASE_URL) with a local root key and a keyring. */
export async function openTranscriptDb(
  opts: { provider?: RootKeyProvider; cacheTtlMs?: number; masterKey?: string } = {},
): Promise<TranscriptTestDb> {
  const t = await openTestDatabase()
  const provider = opts.provider ?? (await openLocalKms({ masterKey: opts.masterKey ?? randomBytes(32).toString('base64') }))
  const keyring = createKeyring({ db: t.db, provider, cacheTtlMs: opts.cacheTtlMs ?? 60_000 })
  const close = t.close
  return {
    ...t, provider, keyring, deps: { db: t.db, keyring },
    async close() {
      keyring.close()
      await provider.close()
      await close()
    },
  }
}

export function citation(snippet: string, overrides: Partial<StoredCitation> = {}): StoredCitation {
  return {
    documentId: '7d3c1c0e-3b38-4a58-9a0f-8a1c7b1b2f10', chunkId: 'c2b1f0a4-98a1-4a57-8c2d-3a4e5f607182',
    title: 'Travel policy', classification: 'internal', page: 3, snippet, ...overrides,
  }
}

/** A question and its answer, as the chat pipeline stores them. */
export function exchange(question: string, answer: string, opts: { snippet?: string; classification?: NewMessage['classification'] } = {}): NewMessage[] {
  return [
    { role: 'user', text: question, classification: 'public' },
    {
      role: 'assistant', text: answer, classification: opts.classification ?? 'internal',
      citations: [citation(opts.snippet ?? 'Economy class for flights under six hours.')],
      promptVersion: 'answer-v1', promptHash: 'sha256:abc', provider: 'extractive', model: 'extractive-1',
    },
  ]
}

export const hasCode = (code: string) => (err: unknown) => (err as AppError)?.code === code
