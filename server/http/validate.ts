import type { z } from 'zod'
import { BadRequestError } from '../errors.ts'

/**
 * Parses request input with a zod schema at the edge. Schemas are strict (unknown keys rejected), so no parameter
 * can smuggle in an attribute the service would otherwise ignore.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(input)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : what
    throw new BadRequestError('invalid_request', `${where}: ${issue?.message ?? 'invalid'}`)
  }
  return result.data
}
