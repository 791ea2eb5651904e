import { z } from 'zod'

/** Environment flags: only these four spellings, so a typo such as "yes" fails instead of reading as false. */
export const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)
