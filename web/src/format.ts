import { CLASSIFICATIONS, type Classification } from './api/types.ts'

/** Classifications may arrive as a name or as a level number; unknown values are shown as "unknown". */
export function classificationName(value: Classification | number | null | undefined): Classification | 'unknown' {
  if (typeof value === 'number') return CLASSIFICATIONS[value] ?? 'unknown'
  return value !== null && value !== undefined && (CLASSIFICATIONS as readonly string[]).includes(value) ? value : 'unknown'
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatDate(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  const d = new Date(typeof value === 'number' && value < 1e12 ? value * 1000 : value)
  return Number.isNaN(d.getTime()) ? String(value) : dateTime.format(d)
}

const shortDateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })

export function formatShortDate(value: string): string {
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? value : shortDateTime.format(d)
}
