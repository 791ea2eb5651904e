/** Classification levels in order; a principal's clearance is one of them. The order is the whole meaning. */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const
export type Classification = (typeof CLASSIFICATIONS)[number]

export function levelOf(c: Classification): number {
  return CLASSIFICATIONS.indexOf(c)
}

export function classificationAt(level: number): Classification {
  const c = CLASSIFICATIONS[level]
  if (c === undefined) throw new RangeError(`no classification at level ${level}`)
  return c
}

export function isClassification(value: unknown): value is Classification {
  return typeof value === 'string' && (CLASSIFICATIONS as readonly string[]).includes(value)
}

/**
 * Counts grouped by level (rows of `level, n`, `n` as pg returns a bigint or numeric: a string) as one number per
 * level, in level order; a level with no row counts 0.
 */
export function countsByLevel(rows: readonly { level: number; n: string | number }[]): number[] {
  const counts = CLASSIFICATIONS.map(() => 0)
  for (const r of rows) {
    if (r.level < 0 || r.level >= counts.length) throw new RangeError(`no classification at level ${r.level}`)
    counts[r.level] = Number(r.n)
  }
  return counts
}
