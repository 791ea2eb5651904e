import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { evalChat, renderChat } from './chat-eval.ts'
import { evalGitleaks, renderGitleaks } from './eval-gitleaks.ts'
import { evalInjection, renderInjection } from './eval-injection.ts'
import { evalPii, renderPii } from './eval-pii.ts'
import { evalSecretFiles, renderSecretFiles } from './eval-secrets.ts'

/**
 * `npm run eval`: measures the scanners on the public data sets in ../shared/eval (see its README) and prints a
 * Markdown report; the same figures go to test-results/eval.json. Nothing here is tuned per record: the data sets
 * are read as they are and every figure is computed, never asserted.
 */

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const evalDir = path.resolve(projectRoot, '..', 'shared', 'eval')

async function main(): Promise<void> {
  const started = Date.now()
  const pii = evalPii(evalDir)
  const secretFiles = await evalSecretFiles(evalDir)
  const gitleaks = await evalGitleaks(evalDir)
  const injection = evalInjection(evalDir)
  const seconds = (Date.now() - started) / 1000

  const report = [
    `## Scanner evaluation (${new Date().toISOString()}, ${seconds.toFixed(1)} s)`,
    '',
    renderPii(pii),
    '',
    renderSecretFiles(secretFiles),
    '',
    renderGitleaks(gitleaks),
    '',
    renderInjection(injection),
    '',
  ].join('\n')
  process.stdout.write(report)
  // The chat pipeline end to end (test/eval/chat-eval.ts): the real app on PGlite, or on TEST_DATABASE_URL if set.
  const chat = await evalChat(evalDir, (line) => process.stderr.write(`${line}\n`))
  process.stdout.write(`${renderChat(chat)}\n`)

  const outDir = path.join(projectRoot, 'test-results')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(
    path.join(outDir, 'eval.json'),
    JSON.stringify({ generatedAt: new Date().toISOString(), seconds, evalDir, pii, secretFiles, gitleaks, injection, chat }, null, 2) + '\n',
  )
}

await main()
