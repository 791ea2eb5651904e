import { z } from 'zod'

/**
 * The key routes take no input: the tenant is the admin's own. A query string or a body (say `{ tenantId }`) is
 * refused, so no caller can believe they chose a tenant or an option the server ignored.
 */
export const noQuery = z.strictObject({})
export const noBody = z.union([z.undefined(), z.strictObject({})])
