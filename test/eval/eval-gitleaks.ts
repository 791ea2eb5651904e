import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { shannonEntropy } from '../../server/scan/entropy.ts'
import { findSecrets } from '../../server/scan/secrets.ts'
import { pct, table } from './metrics.ts'

/**
 * Synthetic recall check against gitleaks' rule set. For each rule with a `regex`, the Go (RE2) pattern is
 * translated to a JS RegExp where that is mechanical ((?i) anywhere -> i flag for the whole pattern, inline
 * (?i:...) -> (?:...), (?s) likewise, \z -> $, POSIX classes); rules that still fail are reported as skipped. fast-check's
 * stringMatching then generates strings the rule matches (fixed seed). A sample counts only if the translated rule
 * matches it and its secret group reaches the rule's own `entropy` minimum (and 3 bits/char, see MIN_SAMPLE_ENTROPY).
 * Detected = one of our findings overlaps the secret group. The samples are random strings in the rule's shape,
 * not real credentials, so this measures format coverage, not precision.
 */

/**
 * fast-check draws each member of a character class (a range like a-z, or a single '=') with similar weight, so
 * `[a-z0-9=_.-]{66}` comes out mostly punctuation. Samples whose secret part has under 3 bits/char look like no
 * real key and are discarded, as gitleaks' own entropy filters would discard most of them.
 */
const MIN_SAMPLE_ENTROPY = 3

interface Rule {
  id: string
  regex: string
  entropy?: number
  secretGroup?: number
}

export function parseGitleaksRules(toml: string): Rule[] {
  const rules: Rule[] = []
  for (const block of toml.split(/^\[\[rules\]\]\s*$/m).slice(1)) {
    const id = /^id\s*=\s*"([^"]+)"/m.exec(block)?.[1]
    const regex = /^regex\s*=\s*'''(.*)'''\s*$/m.exec(block)?.[1]
    if (!id || !regex) continue
    const entropy = /^entropy\s*=\s*([\d.]+)/m.exec(block)?.[1]
    const group = /^secretGroup\s*=\s*(\d+)/m.exec(block)?.[1]
    rules.push({ id, regex, entropy: entropy ? Number(entropy) : undefined, secretGroup: group ? Number(group) : undefined })
  }
  return rules
}

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', digit: '0-9', xdigit: '0-9A-Fa-f', upper: 'A-Z', lower: 'a-z',
  space: '\\s', punct: '!-\\/:-@\\[-`{-~', word: '\\w',
}

export function toJsRegExp(go: string): RegExp | null {
  let flags = ''
  let src = go
  if (/\(\?i\)|\(\?i:/.test(src)) flags += 'i'
  if (/\(\?s\)|\(\?s:/.test(src)) flags += 's'
  src = src
    .replace(/\(\?[is]\)/g, '')
    .replace(/\(\?-?[is]:/g, '(?:')
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$')
    .replace(/\\A/g, '^')
    .replace(/\[:(\w+):\]/g, (m, name: string) => POSIX[name] ?? m)
  try {
    return new RegExp(src, flags)
  } catch {
    return null
  }
}

/**
 * fast-check generates from a subset of RegExp: no `i` flag and no `\b`. Generation uses the pattern without
 * them (literal parts of gitleaks' case-insensitive rules are lower case already); every sample is then checked
 * against the full pattern, so a dropped word boundary can only cost samples, never admit wrong ones.
 */
function generatorFor(re: RegExp): RegExp {
  return new RegExp(re.source.replace(/\\b/g, ''), re.flags.replace('i', ''))
}

export interface GitleaksEval {
  rules: number
  skippedUntranslatable: string[]
  skippedNoSample: string[]
  samples: number
  detected: number
  perRule: { id: string; samples: number; detected: number }[]
}

export async function evalGitleaks(evalDir: string, samplesPerRule = 3): Promise<GitleaksEval> {
  const rules = parseGitleaksRules(readFileSync(path.join(evalDir, 'secrets', 'gitleaks.toml'), 'utf8'))
  const out: GitleaksEval = { rules: rules.length, skippedUntranslatable: [], skippedNoSample: [], samples: 0, detected: 0, perRule: [] }
  for (const [k, rule] of rules.entries()) {
    const re = toJsRegExp(rule.regex)
    if (!re) {
      out.skippedUntranslatable.push(rule.id)
      continue
    }
    let candidates: string[]
    try {
      candidates = fc.sample(fc.noBias(fc.stringMatching(generatorFor(re), { maxLength: 400 })), { numRuns: 30, seed: 1000 + k })
    } catch {
      out.skippedUntranslatable.push(rule.id)
      continue
    }
    const r = { id: rule.id, samples: 0, detected: 0 }
    for (const sample of candidates) {
      if (r.samples >= samplesPerRule) break
      const m = re.exec(sample)
      if (!m) continue
      const secret = m[rule.secretGroup ?? 1] ?? m[0]
      if (secret.length === 0 || shannonEntropy(secret) < Math.max(rule.entropy ?? 0, MIN_SAMPLE_ENTROPY)) continue
      const start = m.index + Math.max(0, m[0].indexOf(secret))
      const end = start + secret.length
      r.samples++
      if ((await findSecrets(sample)).some((f) => f.start < end && start < f.end)) r.detected++
    }
    if (r.samples === 0) out.skippedNoSample.push(rule.id)
    else out.perRule.push(r)
    out.samples += r.samples
    out.detected += r.detected
  }
  return out
}

export function renderGitleaks(r: GitleaksEval): string {
  const fullyMissed = r.perRule.filter((x) => x.detected === 0).map((x) => x.id)
  return [
    '### Secrets: synthetic samples from gitleaks rules (format recall)',
    table(
      ['rules', 'rules sampled', 'samples', 'detected', 'recall', 'rules with 0 detected', 'skipped (regex not translatable)', 'skipped (no valid sample)'],
      [[r.rules, r.perRule.length, r.samples, r.detected, pct(r.samples ? r.detected / r.samples : null), fullyMissed.length, r.skippedUntranslatable.length, r.skippedNoSample.length]],
    ),
    '',
    `Rules with no sample detected: ${fullyMissed.join(', ') || 'none'}`,
    '',
    `Not translatable to a JS RegExp: ${r.skippedUntranslatable.join(', ') || 'none'}`,
  ].join('\n')
}
