import { SCAN_POLICIES, type ScanPolicy } from '../server/config.ts'
import { countByType, type Finding } from '../server/scan/finding.ts'
import { findHiddenText, normalizeText } from '../server/scan/hidden-text.ts'
import { INJECTION_THRESHOLD, scoreInjection } from '../server/scan/injection.ts'
import { findPii } from '../server/scan/pii.ts'
import { redact } from '../server/scan/redact.ts'
import { findSecrets } from '../server/scan/secrets.ts'
import type { Chunk } from './chunk/chunk.ts'
import { addCount, HIDDEN_TEXT, mergeCounts, PROMPT_INJECTION, type FindingCounts } from './findings.ts'
import type { ParsedDocument, Section } from './parse/types.ts'

/**
 * The tenant's policy: its `settings.scanPolicy` when that is one of the known values, else the configured default.
 * An unknown stored value fails closed to `quarantine`: a typo in a tenant's settings must not weaken scanning.
 */
export function effectivePolicy(tenantOverride: string | null, fallback: ScanPolicy): ScanPolicy {
  if (tenantOverride === null) return fallback
  return (SCAN_POLICIES as readonly string[]).includes(tenantOverride) ? (tenantOverride as ScanPolicy) : 'quarantine'
}

const PRINTABLE_ASCII = /^[\t\n\r\x20-\x7e]*$/

export interface ScannedDocument {
  /** The document as it will be chunked and stored: hidden characters removed, secrets (and under `redact` PII) replaced. */
  doc: ParsedDocument
  /** The title, cleaned the same way (it is stored with every chunk, embedded and shown). */
  title: string
  findings: FindingCounts
}

/**
 * Normalizes and scans every section, heading and the title, and applies the scan policy before chunking.
 *
 * Invisible characters (zero-width, bidi controls, tag characters) are counted on the parser's text, then removed
 * with NFKC normalization (server/scan/hidden-text.ts), so what is scanned, stored, embedded and shown is the text a
 * reader sees; content the parser already dropped as hidden (HTML display:none, DOCX vanish, comments) counts as
 * HIDDEN_TEXT. PII and secrets are found on the normalized text, whose offsets redaction then uses.
 *
 * Secrets are redacted under EVERY policy, `flag` included: a live credential has no legitimate retrieval use, and
 * once indexed it is one question away from anyone who can read the document. PII is replaced with typed
 * placeholders under `redact` and kept under `flag` and `quarantine` (quarantine holds the document for a person to
 * judge, who then releases it as it was). Planted instructions are scored per chunk ({@link flagInstructions}), the
 * unit retrieval hands to the model, rather than per section here.
 */
export async function scanDocument(parsed: ParsedDocument, policy: ScanPolicy, title: string): Promise<ScannedDocument> {
  const findings: FindingCounts = {}
  addCount(findings, HIDDEN_TEXT, parsed.hiddenTextRemoved)
  // Sections under one heading repeat its path: scan (and count) each distinct heading once.
  const headings = new Map<string, string>()
  const sections: Section[] = []
  for (const section of parsed.sections) {
    const headingPath: string[] = []
    for (const h of section.headingPath) {
      let cleaned = headings.get(h)
      if (cleaned === undefined) headings.set(h, (cleaned = await clean(h, policy, findings)))
      if (cleaned !== '') headingPath.push(cleaned)
    }
    sections.push({ ...section, headingPath, text: await clean(section.text, policy, findings) })
  }
  const cleanTitle = await clean(title, policy, findings)
  return { doc: { ...parsed, title: cleanTitle, sections }, title: cleanTitle, findings }
}

/** Removes invisible characters, counts findings and redacts what the policy says; see scanDocument. */
async function clean(raw: string, policy: ScanPolicy, findings: FindingCounts): Promise<string> {
  // Printable ASCII holds no invisible character and is its own NFKC form: skip both passes (most documents).
  const plain = PRINTABLE_ASCII.test(raw)
  if (!plain) mergeCounts(findings, countByType(findHiddenText(raw)))
  const text = plain ? raw : normalizeText(raw)
  const secrets = await findSecrets(text)
  const pii = findPii(text)
  mergeCounts(findings, countByType(pii, countByType(secrets)))
  const toRedact: Finding[] = policy === 'redact' ? [...secrets, ...pii] : secrets
  return toRedact.length === 0 ? text : redact(text, toRedact)
}

/**
 * Marks chunks whose text reads as planted instructions (instruction_flagged): retrieval shows them to the model as
 * quoted data with a warning, or not at all. Adds PROMPT_INJECTION to `findings` once per flagged chunk.
 */
export function flagInstructions(chunks: readonly Chunk[], findings: FindingCounts): boolean[] {
  const flags = chunks.map((c) => scoreInjection(c.text).score >= INJECTION_THRESHOLD)
  addCount(findings, PROMPT_INJECTION, flags.filter(Boolean).length)
  return flags
}
