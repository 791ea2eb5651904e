import { loadConfig, type Config } from '../server/config.ts'
import { createEmbedder } from '../server/llm/create-embedder.ts'
import { openCliDatabase } from './cli-database.ts'
import { reembedAll } from './reembed-job.ts'

/**
 * `npm run reembed`: re-embeds every chunk with the configured embedder (EMBEDDINGS_*), resizing the vector column
 * when EMBEDDINGS_DIMENSIONS changed. Stop the server first. Exit codes: 0 done, 1 failed (re-run to resume),
 * 2 configuration error, 3 the embedded database is in use by a running server.
 */
async function main(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    process.stderr.write('usage: npm run reembed   (settings come from EMBEDDINGS_* environment variables)\n')
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2
  }
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    process.stderr.write(`reembed: ${(err as Error).message}\n`)
    return 2
  }
  const db = await openCliDatabase(config, 'npm run reembed', 'reembed')
  if (typeof db === 'number') return db
  try {
    const embedder = createEmbedder(config)
    let lastPrinted = 0
    const report = await reembedAll(db, embedder, {
      batchSize: config.embeddings.batchSize,
      onProgress(done, total) {
        if (done - lastPrinted >= 5000 || done === total) {
          lastPrinted = done
          process.stdout.write(`re-embedded ${done}/${total}\n`)
        }
      },
    })
    const resized = report.previousDimensions !== report.dimensions
      ? `; column resized from ${report.previousDimensions ?? 'unsized'} to ${report.dimensions} dimensions` : ''
    process.stdout.write(`done: ${report.reembedded} chunks now embedded with ${report.model}${resized}\n`)
    return 0
  } catch (err) {
    process.stderr.write(`reembed: ${String((err as Error).message ?? err).replace(/\s+/g, ' ')} (run again to resume)\n`)
    return 1
  } finally {
    await db.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
