import type { Classification } from '../policy/levels.ts'

/** One synthetic demo document (server/demo/corpus/<tenant>/<file>); all people, figures and names are invented. */
export interface DemoDocument {
  tenant: 'acme' | 'globex'
  file: string
  classification: Classification
  departments: string[]
  allow: string[]
}

const doc = (tenant: DemoDocument['tenant'], file: string, classification: Classification, departments: string[] = [], allow: string[] = []): DemoDocument =>
  ({ tenant, file, classification, departments, allow })

/**
 * The demo corpus, chosen so that each demo user (server/auth/demo-users.ts) sees a visibly different slice:
 * mallory (acme, public) only the public documents; bob (finance, internal) adds the expense policy, budget and
 * vendor runbook but not the Q3 forecast; alice (engineering, confidential, eng-all) adds the postmortem and the
 * security roadmap that names her; carol (engineering+finance, restricted, acme-admins) adds the forecast, the
 * layoff plan, the acquisition memo and the board minutes, but not alice's roadmap; dave sees only globex.
 * Salary bands (hr) and the globex merger plan (legal) are visible to no demo user. Two documents exercise the
 * scanner: a planted instruction (supplier invoice notes) and a credential (deployment notes, redacted on ingest).
 */
export const DEMO_CORPUS: readonly DemoDocument[] = [
  doc('acme', 'holiday-policy.md', 'public'),
  doc('acme', 'office-visitors-and-wifi.md', 'public'),
  doc('acme', 'customer-support-faq.md', 'public'),
  doc('acme', 'expense-policy.md', 'internal'),
  doc('acme', 'release-notes-v2.md', 'internal'),
  doc('acme', 'it-onboarding.md', 'internal', ['engineering']),
  doc('acme', 'architecture-overview.md', 'internal', ['engineering']),
  doc('acme', 'on-call-handbook.md', 'internal', ['engineering'], ['group:eng-all']),
  doc('acme', 'deployment-notes.md', 'internal', ['engineering']),
  doc('acme', 'incident-postmortem-2024-03.md', 'confidential', ['engineering']),
  doc('acme', 'security-roadmap.md', 'confidential', ['engineering'], ['user:alice']),
  doc('acme', 'budget-process.md', 'internal', ['finance']),
  doc('acme', 'vendor-payment-runbook.md', 'internal', ['finance'], ['group:finance-all']),
  doc('acme', 'supplier-invoice-notes.md', 'internal', ['finance']),
  doc('acme', 'q3-revenue-forecast.md', 'confidential', ['finance']),
  doc('acme', 'layoff-plan.md', 'restricted', ['hr', 'finance']),
  doc('acme', 'salary-bands.md', 'confidential', ['hr']),
  doc('acme', 'nda-template.md', 'internal', ['legal']),
  doc('acme', 'acquisition-memo.md', 'restricted', [], ['user:carol']),
  doc('acme', 'board-minutes-2024-q4.md', 'restricted', [], ['group:acme-admins']),
  doc('globex', 'holiday-policy.md', 'public'),
  doc('globex', 'eng-onboarding.md', 'internal', ['engineering'], ['group:globex-eng']),
  doc('globex', 'rocket-engine-test-report.md', 'confidential', ['engineering']),
  doc('globex', 'incident-postmortem-telemetry.md', 'confidential', ['engineering']),
  doc('globex', 'q3-revenue-forecast.md', 'confidential', ['finance']),
  doc('globex', 'merger-plan.md', 'restricted', ['legal']),
]
