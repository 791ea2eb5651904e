import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Config } from '../../server/config.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Runs a CLI as its npm script line does (`node --import tsx server/cli/<name>.ts`) against the test's database:
 * the server's DATABASE_URL when the test runs on PostgreSQL, else the embedded database in DATA_DIR. Only the
 * variables given are passed, so nothing leaks in from the test run's environment.
 */
export function runCli(
  script: string,
  args: string[],
  config: Config,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent',
    DATA_DIR: config.dataDir, ...(config.database.url ? { DATABASE_URL: config.database.url } : {}), ...extraEnv,
  }
  if (process.env.SOFTHSM2_CONF) env.SOFTHSM2_CONF = process.env.SOFTHSM2_CONF
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { cwd: ROOT, env, timeout: 300_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stdout, stderr }))
  })
}
