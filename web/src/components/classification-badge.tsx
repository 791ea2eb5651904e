import type { Classification } from '../api/types.ts'
import { classificationName } from '../format.ts'

/** Classification shown as text plus colour, so the level never depends on colour alone. */
export function ClassificationBadge({ value, label }: { value: Classification | number | null | undefined; label?: string }) {
  const name = classificationName(value)
  return (
    <span class={`badge badge-${name}`} title={label ? `${label}: ${name}` : `Classification: ${name}`}>
      {label ? <span class="visually-hidden">{label}: </span> : null}
      {name}
    </span>
  )
}
