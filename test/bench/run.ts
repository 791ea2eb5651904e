import fs from 'node:fs'
import path from 'node:path'

/**
 * `npm run bench -- <name> [options]`: runs one benchmark and writes its JSON to test-results/bench-<name>.json.
 * Timing targets live here, never in test assertions. Each benchmark is a module exporting `run(args)` that returns
 * a JSON-serializable report and prints a Markdown table.
 */
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<unknown> }>> = {}

export function registerBench(name: string, load: () => Promise<{ run(args: string[]): Promise<unknown> }>) {
  benches[name] = load
}

async function main() {
  const [name, ...args] = process.argv.slice(2)
  for (const file of fs.readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts'))) {
    const bench = file.replace(/\.bench\.ts$/, '')
    registerBench(bench, () => import(path.join(import.meta.dirname, file)))
  }
  if (!name || !benches[name]) {
    console.error(`usage: npm run bench -- <${Object.keys(benches).join('|') || 'no benchmarks yet'}> [options]`)
    process.exit(name ? 2 : 0)
  }
  const report = await (await benches[name]())
    .run(args)
  fs.mkdirSync('test-results', { recursive: true })
  fs.writeFileSync(path.join('test-results', `bench-${name}.json`), JSON.stringify(report, null, 2))
}

await main()
