import { createRequire } from 'node:module'
import { BASE64_OR_PAD_CHARS, hasRun, UPPER_OR_DIGIT_CHARS } from './char-runs.ts'

/**
 * Cheap necessary conditions for the rules of @secretlint/secretlint-rule-preset-recommend, so that a text none of
 * a rule's patterns can match does not pay for that rule (or, for most prose, for a secretlint call at all: each
 * call sets every rule up again, ~50 us before any scanning).
 *
 * Soundness: each gate is a piece that every match of that rule's patterns must contain (a literal prefix, or a
 * fixed-length run its character class requires), read off the rule sources of the version below; a rule is
 * skipped only when its gate finds nothing, in which case the rule could have reported nothing either. Rules run
 * in the same order as before, so secretlint returns the same messages. Fail closed: a rule id without a gate, or
 * any other preset version, always runs (re-derive the table from the new sources before bumping GATED_VERSION).
 */
export const GATED_VERSION = '12.0.0'

/** The file name and extension every text is linted as (secretlint-scan.ts); two rules look at them. */
export const LINT_FILE_PATH = 'input.txt'
export const LINT_EXT = '.txt'

const GATES: Readonly<Record<string, RegExp | ((text: string) => boolean) | false>> = {
  // Access key ID: 4-char prefix + [A-Z0-9]{16}; secret: [A-Za-z0-9/+=]{40}; account ID: \d{4}-?\d{4}-?\d{4}.
  '@secretlint/secretlint-rule-aws': (text) =>
    hasRun(text, 20, UPPER_OR_DIGIT_CHARS) || hasRun(text, 40, BASE64_OR_PAD_CHARS) || /\d{4}-?\d{4}-?\d{4}/.test(text),
  // Scans only files with the extension .p12 or .json; every text here is linted as LINT_EXT (.txt).
  '@secretlint/secretlint-rule-gcp': false,
  // npm_ tokens anywhere; x-oauth-basic only in package.json and _authToken= only in .npmrc (kept, cheap).
  '@secretlint/secretlint-rule-npm': /npm_|x-oauth-basic|_authToken=/,
  '@secretlint/secretlint-rule-slack': /(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-|hooks\.slack\.com\/services\//i,
  // (?:https?|ftp|ftps)://user:password@...
  '@secretlint/secretlint-rule-basicauth': /:\/\/[-a-zA-Z0-9_]+:/,
  // Both alternatives of the pattern contain the T3BlbkFJ marker.
  '@secretlint/secretlint-rule-openai': /T3BlbkFJ/,
  '@secretlint/secretlint-rule-anthropic': /sk-ant-api0\d-/,
  '@secretlint/secretlint-rule-groq': /gsk_/,
  '@secretlint/secretlint-rule-huggingface': /hf_/,
  '@secretlint/secretlint-rule-linear': /lin_api_/,
  '@secretlint/secretlint-rule-notion': /ntn_/,
  '@secretlint/secretlint-rule-privatekey': /-----BEGIN/,
  '@secretlint/secretlint-rule-sendgrid': /SG\./,
  '@secretlint/secretlint-rule-shopify': /shp(?:pa|ca|at|ss)_/,
  '@secretlint/secretlint-rule-github': /gh[pousr]_|github_pat_/,
  '@secretlint/secretlint-rule-gitlab': /glpat-/,
  '@secretlint/secretlint-rule-grafana': /glc_|glsa_/,
  '@secretlint/secretlint-rule-1password': /ops_ey/,
  // The three URI patterns are case-insensitive.
  '@secretlint/secretlint-rule-database-connection-string': /mongodb|mysql|postgres/i,
  '@secretlint/secretlint-rule-hashicorp-vault': /hv[sbr]\./,
  '@secretlint/secretlint-rule-vercel': /vc[pciark]_/,
  '@secretlint/secretlint-rule-databricks': /dapi/,
  '@secretlint/secretlint-rule-docker': /dckr_pat_/,
  '@secretlint/secretlint-rule-figma': /figd_/,
}

const presetVersion = (createRequire(import.meta.url)('@secretlint/secretlint-rule-preset-recommend/package.json') as {
  version: string
}).version
const gatesApply = presetVersion === GATED_VERSION

/** Whether the rule `id` could report anything on `text`; true when unsure. */
export function ruleMayMatch(id: string, text: string): boolean {
  if (!gatesApply) return true
  const gate = GATES[id]
  if (gate === undefined) return true
  if (gate === false) return false
  return typeof gate === 'function' ? gate(text) : gate.test(text)
}

/** Rule ids the table covers, for the test that keeps it in step with the preset. */
export const GATED_RULE_IDS: readonly string[] = Object.keys(GATES)
