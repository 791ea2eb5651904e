import { countByType, type Finding } from './finding.ts'
import { findHiddenText } from './hidden-text.ts'
import { scoreInjection, type InjectionScore, type InjectionSource } from './injection.ts'
import { findPii } from './pii.ts'
import { findSecrets } from './secrets.ts'

export type { Finding } from './finding.ts'
export type { InjectionScore, InjectionSource } from './injection.ts'

/**
 * Everything the scanners found in one text. `pii`, `secrets` and `hidden` hold offsets into the scanned text and
 * must not be persisted next to anything but that text; `counts` (type -> number of findings, over all three
 * lists) and `injection` hold no values and are what gets stored and audited.
 */
export interface ScanReport {
  pii: Finding[]
  secrets: Finding[]
  injection: InjectionScore
  hidden: Finding[]
  counts: Record<string, number>
}

/**
 * Runs every scanner on `text`. Offsets refer to `text` exactly as passed: ingest normalizes first (normalizeText)
 * and scans the normalized text it stores; the hidden-character findings are then empty, so callers that need them
 * (the chat guards on raw input) pass the raw text. `source` tunes the injection scorer, see InjectionSource.
 */
export async function scanText(text: string, opts: { source?: InjectionSource } = {}): Promise<ScanReport> {
  const secrets = await findSecrets(text)
  const pii = findPii(text)
  const hidden = findHiddenText(text)
  const injection = scoreInjection(text, opts)
  const counts = countByType(hidden, countByType(secrets, countByType(pii)))
  return { pii, secrets, injection, hidden, counts }
}
