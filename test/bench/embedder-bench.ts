// Throughput of the local hashing embedder on synthetic ~1000-character chunks.
// Run: node --import tsx test/bench/embedder-bench.ts [chunks] [dimensions]
import { LocalHashEmbedder, embedLexical } from '../../server/llm/local-embedder.ts'

const SYLLABLES = 'ac ce de en ti on re cu ri ty po li cy da ta ke ys lo gs au di tor se rv er ne tw or k'.split(' ')

/** Deterministic linear congruential generator, so every run measures the same text. */
function lcg(seed: number): () => number {
  let x = seed >>> 0
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296
}

// 5000 pseudo-words drawn Zipf-like (rank^-1), which gives English-like repetition: ~150 tokens per chunk,
// about 60% of them distinct.
const random = lcg(42)
const vocabulary = Array.from({ length: 5000 }, () => {
  let word = ''
  const syllables = 1 + Math.floor(random() * 4)
  for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)]
  return word
})
const harmonic = vocabulary.reduce((sum, _, i) => sum + 1 / (i + 1), 0)

function zipfWord(next: () => number): string {
  let target = next() * harmonic
  for (let i = 0; i < vocabulary.length; i++) {
    target -= 1 / (i + 1)
    if (target <= 0) return vocabulary[i] as string
  }
  return vocabulary[0] as string
}

function syntheticChunk(seed: number): string {
  const next = lcg(seed)
  let text = ''
  while (text.length < 1000) {
    const r = next()
    text += zipfWord(next) + (r < 0.08 ? '. ' : r < 0.12 ? ', ' : r < 0.14 ? ` ${Math.floor(r * 10000)} ` : ' ')
  }
  return text.slice(0, 1000)
}

const count = Number(process.argv[2] ?? 20000)
const dimensions = Number(process.argv[3] ?? 384)
const chunks = Array.from({ length: count }, (_, i) => syntheticChunk(i + 1))
const averageChars = chunks.reduce((sum, c) => sum + c.length, 0) / chunks.length

for (let i = 0; i < 2000; i++) embedLexical(chunks[i % chunks.length] as string, dimensions) // let the JIT settle

/** Runs `work` and reports throughput by wall clock and by this process's CPU time (less skewed on a busy host). */
async function measure(label: string, work: () => unknown): Promise<void> {
  const cpuBefore = process.cpuUsage()
  const start = process.hrtime.bigint()
  await work()
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  const used = process.cpuUsage(cpuBefore)
  const cpu = (used.user + used.system) / 1e6
  console.log(
    `${label}: ${(count / wall).toFixed(0)} chunks/s wall, ${(count / cpu).toFixed(0)} chunks/s per CPU-second ` +
      `(${((cpu / count) * 1e6).toFixed(1)} us CPU/chunk)`,
  )
}

console.log(`${count} synthetic chunks of ~${averageChars.toFixed(0)} chars, ${dimensions} dimensions`)
await measure('embedLexical', () => {
  for (const chunk of chunks) embedLexical(chunk, dimensions)
})
await measure('LocalHashEmbedder.embedDocuments', () => new LocalHashEmbedder({ dimensions }).embedDocuments(chunks))
