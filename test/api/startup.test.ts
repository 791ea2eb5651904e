import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { serverUrl } from '../helpers/test-db.ts'

const root = path.resolve(import.meta.dirname, '../..')

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', DEMO_SEED: 'false', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, exited, stderr: () => stderr }
}

async function waitHealthy(port: number, ms = 180_000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('server did not become healthy')
}

async function stop(child: ChildProcess, exited: Promise<number | null>) {
  child.kill('SIGTERM')
  return exited
}

describe('process start-up', { skip: serverUrl ? 'embedded start-up is covered in the PGlite run' : false }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-start-'))
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('when started with no database, then it serves /healthz, creates DATA_DIR and keeps data across a restart', async () => {
    const dir = path.join(dataDir, 'fresh')
    const port = 39000 + Math.floor(Math.random() * 1000)
    const first = start({ DATA_DIR: dir, PORT: String(port) })
    await waitHealthy(port)
    assert.ok(fs.existsSync(path.join(dir, 'pglite')))
    const other = start({ DATA_DIR: dir, PORT: String(port + 1) })
    assert.equal(await other.exited, 1)
    assert.match(other.stderr(), /in use by the Strongroom server.*stop the server/)
    assert.equal(other.stderr().trim().split('\n').length, 1)
    assert.equal(await stop(first.child, first.exited), 0)
    const second = start({ DATA_DIR: dir, PORT: String(port) })
    await waitHealthy(port)
    const ready = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()
    assert.equal(ready.migrations.current, true)
    await stop(second.child, second.exited)
  })

  for (const [name, env, pattern] of [
    ['an invalid PORT', { PORT: 'eighty' }, /PORT/],
    ['an unreachable DATABASE_URL', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, /cannot connect to the database/],
    ['a non-postgres DATABASE_URL', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
  ] as const) {
    it(`when started with ${name}, then it exits 1 with one line naming the cause`, async () => {
      const p = start({ DATA_DIR: path.join(dataDir, 'bad'), ...env })
      assert.equal(await p.exited, 1)
      const lines = p.stderr().trim().split('\n')
      assert.equal(lines.length, 1, p.stderr())
      assert.match(lines[0] ?? '', pattern)
    })
  }
})
