import { MarkdownTextSplitter, RecursiveCharacterTextSplitter, type TextSplitter } from '@langchain/textsplitters'
import { normalizeText } from '../parse/normalize.ts'
import type { ParsedDocument } from '../parse/types.ts'

/** One retrievable unit of a document. */
export interface Chunk {
  /** 0-based position in the document, dense (no gaps after empty pieces are dropped). */
  ordinal: number
  text: string
  headingPath: string[]
  page?: number
}

export interface ChunkOptions {
  /** Maximum characters per chunk. */
  chunkSize: number
  /** Characters repeated between consecutive chunks of the same section; must be smaller than chunkSize. */
  chunkOverlap: number
}

export const DEFAULT_CHUNK_OPTIONS: Readonly<ChunkOptions> = Object.freeze({ chunkSize: 1000, chunkOverlap: 150 })

/**
 * Splits each section separately with LangChain's recursive splitter, so a chunk never crosses a section boundary and
 * keeps that section's heading path and page. Markdown sections use the Markdown separators (fences, rules, list
 * breaks before paragraphs); every other format is plain text by now (HTML and DOCX were reduced to text with line
 * breaks by the parser), so the default paragraph/line/word separators fit and the HTML tag separators would not.
 *
 * Async because LangChain's splitText is.
 */
export async function chunkDocument(doc: ParsedDocument, opts: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Promise<Chunk[]> {
  const { chunkSize, chunkOverlap } = opts
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError('chunkSize must be a positive integer')
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new RangeError('chunkOverlap must be a non-negative integer smaller than chunkSize')
  }
  const params = { chunkSize, chunkOverlap }
  const splitter: TextSplitter = doc.format === 'markdown'
    ? new MarkdownTextSplitter(params)
    : new RecursiveCharacterTextSplitter(params)

  const chunks: Chunk[] = []
  for (const section of doc.sections) {
    for (const piece of await splitter.splitText(normalizeText(section.text))) {
      const text = normalizeText(piece)
      if (text === '') continue
      const chunk: Chunk = { ordinal: chunks.length, text, headingPath: [...section.headingPath] }
      if (section.page !== undefined) chunk.page = section.page
      chunks.push(chunk)
    }
  }
  return chunks
}
