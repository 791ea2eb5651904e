import { readFileSync } from 'node:fs'
import path from 'node:path'
import { findSecrets } from '../../server/scan/secrets.ts'
import { pct, prf, table, type Prf } from './metrics.ts'

/**
 * Secrets on the detect-secrets test_data files, compared line by line. Expected lines are the ones detect-secrets'
 * own test-suite asserts (tests/core/secrets_collection_test.py and tests/plugins/*: config.ini at the Base64
 * plugin with its limit lowered to 3.0, config.yaml at the Hex plugin with limit 3.0, config.env at 4.5, config.md
 * "still finds high entropy strings"), plus the two files whose content is a secret by construction (the private
 * key, and config2.yaml whose comment holds the hex secret of the hex-plugin tests and whose line 2 is its dump). `upstreamIgnored` lines hold a
 * credential that detect-secrets suppresses on purpose (a `pragma: allowlist secret` comment, the *_id heuristic,
 * a UUID); we do not honour in-document suppressions, so flagging them is listed separately, not counted as FP.
 */
const EXPECTED: Record<string, { expected: number[]; upstreamIgnored: number[] }> = {
  'detect-secrets_config.env': { expected: [1], upstreamIgnored: [] },
  'detect-secrets_config.ini': { expected: [2, 10, 21, 22, 32], upstreamIgnored: [26, 33] },
  'detect-secrets_config.md': { expected: [10], upstreamIgnored: [] },
  'detect-secrets_config.yaml': { expected: [3, 5, 13], upstreamIgnored: [12, 16, 18] },
  'detect-secrets_config2.yaml': { expected: [1, 2], upstreamIgnored: [] },
  'detect-secrets_only_comments.yaml': { expected: [], upstreamIgnored: [] },
  'detect-secrets_private_key': { expected: [1, 2, 3], upstreamIgnored: [] },
}

export interface SecretFileResult {
  file: string
  flagged: { line: number; types: string[] }[]
  expected: number[]
  missed: number[]
  extraUpstreamIgnored: number[]
  extraOther: number[]
}
export interface SecretsEval {
  files: SecretFileResult[]
  lines: Prf
}

function lineOf(text: string, offset: number): number {
  let n = 1
  for (let k = 0; k < offset && k < text.length; k++) if (text[k] === '\n') n++
  return n
}

export async function evalSecretFiles(evalDir: string): Promise<SecretsEval> {
  const files: SecretFileResult[] = []
  let tp = 0
  let fp = 0
  let fn = 0
  for (const [file, spec] of Object.entries(EXPECTED)) {
    const text = readFileSync(path.join(evalDir, 'secrets', file), 'utf8')
    const byLine = new Map<number, Set<string>>()
    for (const f of await findSecrets(text)) {
      for (let l = lineOf(text, f.start); l <= lineOf(text, Math.max(f.start, f.end - 1)); l++) {
        byLine.set(l, (byLine.get(l) ?? new Set()).add(f.type))
      }
    }
    const flagged = [...byLine].sort((a, b) => a[0] - b[0]).map(([line, types]) => ({ line, types: [...types] }))
    const flaggedLines = new Set(byLine.keys())
    const missed = spec.expected.filter((l) => !flaggedLines.has(l))
    const extra = [...flaggedLines].filter((l) => !spec.expected.includes(l))
    const r: SecretFileResult = {
      file, flagged, expected: spec.expected, missed,
      extraUpstreamIgnored: extra.filter((l) => spec.upstreamIgnored.includes(l)),
      extraOther: extra.filter((l) => !spec.upstreamIgnored.includes(l)),
    }
    tp += spec.expected.length - missed.length
    fn += missed.length
    fp += r.extraOther.length
    files.push(r)
  }
  return { files, lines: prf(tp, fp, fn) }
}

export function renderSecretFiles(r: SecretsEval): string {
  const rows = r.files.map((f) => [
    f.file.replace('detect-secrets_', ''),
    f.flagged.map((x) => `${x.line}:${x.types.join('+')}`).join(' ') || '-',
    f.expected.join(',') || '-',
    f.missed.join(',') || '-',
    f.extraUpstreamIgnored.join(',') || '-',
    f.extraOther.join(',') || '-',
  ])
  return [
    '### Secrets: detect-secrets test_data (line level)',
    table(['file', 'flagged line:type', 'expected', 'missed', 'flagged, suppressed upstream', 'other extra'], rows),
    '',
    `Lines: TP ${r.lines.tp}, FN ${r.lines.fn}, other extra ${r.lines.fp}; precision ${pct(r.lines.precision)}, recall ${pct(r.lines.recall)} (upstream-suppressed lines excluded).`,
  ].join('\n')
}
