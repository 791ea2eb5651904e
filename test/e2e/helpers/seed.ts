import assert from 'node:assert/strict'
import type { TestServer } from '../../helpers/test-server.ts'

export interface SeedUpload {
  title: string
  text: string
  classification: 'public' | 'internal' | 'confidential' | 'restricted'
  departments?: string[]
  allow?: string[]
}

/** Uploads a document through the real admin API as an MFA-fresh admin of the tenant (bearer token, no CSRF). */
export async function uploadDocument(t: TestServer, admin: string, doc: SeedUpload): Promise<void> {
  const form = new FormData()
  form.append('file', new Blob([doc.text], { type: 'text/plain' }), `${doc.title.toLowerCase().replace(/\W+/g, '-')}.txt`)
  form.append('title', doc.title)
  form.append('classification', doc.classification)
  for (const d of doc.departments ?? []) form.append('department', d)
  for (const p of doc.allow ?? []) form.append('allow', p)
  const res = await fetch(`${t.origin}/api/admin/documents`, {
    method: 'POST', body: form, headers: { authorization: `Bearer ${await t.token(admin, { mfa: true })}` },
  })
  assert.ok(res.status === 200 || res.status === 201, `upload failed: ${res.status} ${await res.text()}`)
}
