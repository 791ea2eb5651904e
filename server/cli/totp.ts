import { findDemoUser } from '../auth/demo-users.ts'
import { totpFor } from '../auth/dev-idp/credentials.ts'

/**
 * `npm run totp -- <user>` prints the current TOTP code of a demo user of the embedded IdP, for signing in to the
 * development server without an authenticator app. The seeds are public development values (README).
 */
function main(): void {
  const username = process.argv[2]
  if (process.env.NODE_ENV === 'production') {
    console.error('totp: demo users exist only in development')
    process.exit(1)
  }
  const user = username ? findDemoUser(username) : undefined
  if (!user) {
    console.error('usage: npm run totp -- <alice|bob|carol|erin|mallory|dave>')
    process.exit(2)
  }
  console.log(totpFor(user).generate())
}

main()
