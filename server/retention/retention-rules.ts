import { CLASSIFICATIONS, levelOf, type Classification } from '../policy/levels.ts'
import type { RetentionRuleRow } from './retention.repo.ts'

export interface EffectiveRule {
  classification: Classification
  retainDays: number
  /** 'tenant' when the tenant set it, 'default' when it comes from RETENTION_DEFAULT_DAYS_*. */
  source: 'tenant' | 'default'
}

/** The rule for every classification: the tenant's where it set one, else the configured default. */
export function effectiveRules(defaults: Record<Classification, number>, rows: RetentionRuleRow[]): EffectiveRule[] {
  return CLASSIFICATIONS.map((classification) => {
    const row = rows.find((r) => r.level === levelOf(classification))
    return row
      ? { classification, retainDays: row.retainDays, source: 'tenant' as const }
      : { classification, retainDays: defaults[classification], source: 'default' as const }
  })
}

const DAY_MS = 86_400_000

/**
 * The instant before which a conversation of this classification is due: last_message_at + retainDays < asOf.
 * Whole days of 24 h in UTC, so the cut-off does not move with daylight saving time.
 */
export function cutoffFor(asOf: Date, retainDays: number): Date {
  return new Date(asOf.getTime() - retainDays * DAY_MS)
}
