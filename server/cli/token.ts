/**
 * Prints a development access token for a demo user, signed with the embedded dev IdP's key:
 *
 *   node --import tsx server/cli/token.ts <user> [--mfa] [--ttl seconds]
 *
 * Only the token goes to stdout, so `TOKEN=$(node --import tsx server/cli/token.ts alice --mfa)` works.
 * Refuses to run in production and when an external IdP is configured (OIDC_ISSUER), because such a token would
 * not be issued by the IdP the server trusts.
 *
 * Environment (read only in readCliEnv): DATA_DIR (default ./data), PUBLIC_URL (default http://localhost:$PORT,
 * as the server derives it), PORT (default 3000), NODE_ENV, OIDC_ISSUER.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { DEV_API_AUDIENCE, devIdpIssuer } from '../auth/dev-idp/constants.ts'
import { DEMO_USERS, findDemoUser } from '../auth/demo-users.ts'
import { mintDevAccessToken } from '../auth/mint-dev-token.ts'

interface CliEnv {
  dataDir: string
  publicUrl: string
  production: boolean
  externalIssuer: boolean
}

function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  return {
    dataDir: path.resolve(env.DATA_DIR || './data'),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${env.PORT || '3000'}`).replace(/\/+$/, ''),
    production: env.NODE_ENV === 'production',
    externalIssuer: (env.OIDC_ISSUER ?? '') !== '',
  }
}

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  const env = readCliEnv()
  if (env.production) fail('refusing to mint dev tokens with NODE_ENV=production')
  if (env.externalIssuer) fail('OIDC_ISSUER is set (external IdP); get a token from that IdP instead')

  let parsed
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { mfa: { type: 'boolean', default: false }, ttl: { type: 'string' } },
    })
  } catch (err) {
    fail((err as Error).message)
  }
  const usage = 'usage: token <user> [--mfa] [--ttl seconds]'
  if (parsed.positionals.length !== 1) fail(usage)
  const username = parsed.positionals[0]!
  if (findDemoUser(username) === undefined) {
    fail(`unknown user "${username}"; demo users: ${DEMO_USERS.map((u) => u.username).join(', ')}`)
  }
  const ttl = parsed.values.ttl === undefined ? undefined : Number(parsed.values.ttl)
  if (ttl !== undefined && (!Number.isSafeInteger(ttl) || ttl <= 0 || ttl > 86_400)) {
    fail('--ttl must be a whole number of seconds between 1 and 86400')
  }

  const token = await mintDevAccessToken({
    dataDir: env.dataDir,
    issuer: devIdpIssuer(env.publicUrl),
    audience: DEV_API_AUDIENCE,
    username,
    mfa: parsed.values.mfa,
    ttlSeconds: ttl,
  })
  process.stdout.write(`${token}\n`)
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)))
