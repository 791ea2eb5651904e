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
