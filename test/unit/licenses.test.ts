import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { classify, licenseRows, renderMarkdown } from '../../server/cli/licenses.ts'

function fixture(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-licenses-'))
  const packages: Record<string, object> = {
    '': { name: 'app' },
    'node_modules/permissive': { version: '1.0.0' },
    'node_modules/gpl-lib': { version: '2.0.0' },
    'node_modules/legacy': { version: '0.1.0' },
    'node_modules/dual': { version: '3.0.0' },
    'node_modules/tooling': { version: '9.9.9', dev: true },
    'node_modules/other-platform': { version: '1.0.0', optional: true },
  }
  fs.writeFileSync(path.join(root, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }))
  const manifests: Record<string, object> = {
    permissive: { name: 'permissive', version: '1.0.0', license: 'MIT' },
    'gpl-lib': { name: 'gpl-lib', version: '2.0.0', license: 'AGPL-3.0-only' },
    legacy: { name: 'legacy', version: '0.1.0', licenses: [{ type: 'BSD' }] },
    dual: { name: 'dual', version: '3.0.0', license: '(MIT OR GPL-3.0-or-later)' },
    tooling: { name: 'tooling', version: '9.9.9', license: 'GPL-2.0' },
  }
  for (const [name, manifest] of Object.entries(manifests)) {
    fs.mkdirSync(path.join(root, 'node_modules', name), { recursive: true })
    fs.writeFileSync(path.join(root, 'node_modules', name, 'package.json'), JSON.stringify(manifest))
  }
  return root
}

describe('production dependency licenses', () => {
  it('when licenses are classified, then strong, weak and dual copyleft and unknown are told apart', () => {
    assert.equal(classify('MIT'), '')
    assert.equal(classify('GPL-3.0-only'), 'strong copyleft')
    assert.equal(classify('SSPL-1.0'), 'strong copyleft')
    assert.equal(classify('LGPL-2.1-or-later'), 'weak copyleft')
    assert.equal(classify('(MPL-2.0 OR Apache-2.0)'), 'dual, permissive option')
    assert.equal(classify('(MIT AND GPL-2.0)'), 'strong copyleft')
    assert.equal(classify('UNKNOWN'), 'unknown')
  })

  it('when the lock file is read, then dev and uninstalled packages are left out and legacy fields are understood', () => {
    const root = fixture()
    const { rows, skipped } = licenseRows(root)
    assert.deepEqual(rows.map((r) => [r.name, r.license, r.flag]), [
      ['dual', '(MIT OR GPL-3.0-or-later)', 'dual, permissive option'],
      ['gpl-lib', 'AGPL-3.0-only', 'strong copyleft'],
      ['legacy', 'BSD', ''],
      ['permissive', 'MIT', ''],
    ])
    assert.equal(skipped, 1)
    const md = renderMarkdown(rows, skipped)
    assert.match(md, /- gpl-lib@2\.0\.0: AGPL-3\.0-only \(strong copyleft\)/)
    assert.ok(md.includes('| permissive | 1.0.0 | MIT |  |'))
    assert.doesNotMatch(md, /tooling/)
  })

  it('when --check finds a strong copyleft license, then the CLI exits 1 naming it', () => {
    const root = fixture()
    const cli = path.resolve(import.meta.dirname, '../../server/cli/licenses.ts')
    const run = () => execFileSync(process.execPath, ['--import', 'tsx', cli, '--check', '--root', root], { stdio: 'pipe' })
    assert.throws(run, (err: { status: number; stderr: Buffer }) => err.status === 1 && /gpl-lib@2\.0\.0/.test(String(err.stderr)))
  })
})
