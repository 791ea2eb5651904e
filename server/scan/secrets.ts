import { findHighEntropy } from './entropy.ts'
import { dropContained, type Finding } from './finding.ts'
import { findPatternSecrets } from './secret-patterns.ts'
import { findSecretlintSecrets } from './secretlint-scan.ts'

export type { Finding } from './finding.ts'

/**
 * Finds credentials in text: secretlint's recommended rules (maintained upstream, run in-process) plus our own
 * private-key, credential-assignment, JWT and high-entropy detectors. Async because secretlint's API is.
 *
 * A finding inside another finding is dropped (a HIGH_ENTROPY token inside a PRIVATE_KEY block); partially
 * overlapping findings are both kept, so that redaction, which merges overlaps, covers the union. That matters for
 * rules whose reported range does not cover the whole value.
 */
export async function findSecrets(text: string): Promise<Finding[]> {
  const fromRules = await findSecretlintSecrets(text)
  return dropContained([...fromRules, ...findPatternSecrets(text), ...findHighEntropy(text)])
}
