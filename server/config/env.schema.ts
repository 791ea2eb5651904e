import { z } from 'zod'
import { auditEnv } from './audit.schema.ts'
import { chatEnv } from './chat.schema.ts'
import { embeddingsEnv } from './embeddings.schema.ts'
import { identityEnv } from './identity.schema.ts'
import { ingestEnv } from './ingest.schema.ts'
import { keysEnv } from './keys.schema.ts'
import { retentionEnv } from './retention.schema.ts'
import { serverEnv } from './server.schema.ts'

/**
 * Every variable the server understands, declared with its default and its meaning in the area files above;
 * README.md's configuration table mirrors them. Secrets have no defaults. The areas are spread in this order
 * because zod reports issues in key order, and the startup error lists them as they come.
 */
export const envSchema = z.object({
  ...serverEnv,
  ...identityEnv,
  ...ingestEnv,
  ...embeddingsEnv,
  ...keysEnv,
  ...chatEnv,
  ...retentionEnv,
  ...auditEnv,
})

export type Env = z.infer<typeof envSchema>
