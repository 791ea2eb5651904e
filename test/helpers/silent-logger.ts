import { Writable } from 'node:stream'
import { createLogger } from '../../server/logger.ts'

/** A logger whose lines are kept in memory, so tests can assert what was (and was not) logged. */
export function memoryLogger(level = 'info') {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  return { logger: createLogger(level, sink), lines }
}
