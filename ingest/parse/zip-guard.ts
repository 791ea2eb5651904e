import JSZip from 'jszip'
import { BadRequestError } from '../../server/errors.ts'
import type { ParseLimits } from './types.ts'

/**
 * Largest accepted uncompressed-to-compressed ratio for one entry, the same 100:1 that Apache POI enforces for OOXML.
 * Real DOCX parts compress about 5-20:1; a run of zeros compresses about 1000:1.
 */
export const MAX_COMPRESSION_RATIO = 100
/** Entries smaller than this are not ratio-checked: tiny, repetitive XML parts legitimately compress well. */
const RATIO_MIN_BYTES = 1024 * 1024

interface DeclaredSizes {
  compressedSize: number
  uncompressedSize: number
}

/**
 * Opens a ZIP container for a document parser after checking, before anything is handed to that parser, that it
 * cannot exhaust memory: the entry count, the declared uncompressed sizes (total and per-entry ratio, read from the
 * central directory by jszip without inflating anything) and then the actual inflated sizes, counted while streaming
 * so a header that under-declares its size is caught before the bytes pile up. jszip is the same reader mammoth uses,
 * so both see the same entries.
 */
export async function openZipSafely(
  bytes: Buffer,
  limits: Pick<ParseLimits, 'maxZipEntries' | 'maxUncompressedBytes'>,
): Promise<JSZip> {
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(bytes)
  } catch (err) {
    throw new BadRequestError('corrupt_document', 'the document is not a readable ZIP container', err)
  }
  const entries = Object.values(zip.files).filter((entry) => !entry.dir)
  if (Object.keys(zip.files).length > limits.maxZipEntries) {
    throw new BadRequestError('archive_too_large', `the document has more than ${limits.maxZipEntries} archive entries`)
  }

  let declaredTotal = 0
  for (const entry of entries) {
    const sizes = declaredSizes(entry)
    declaredTotal += sizes.uncompressedSize
    if (sizes.uncompressedSize >= RATIO_MIN_BYTES &&
        sizes.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(sizes.compressedSize, 1)) {
      throw new BadRequestError('zip_bomb_suspected', 'an archive entry has an implausible compression ratio')
    }
  }
  if (declaredTotal > limits.maxUncompressedBytes) {
    throw new BadRequestError('archive_too_large',
      `the document would expand to more than ${limits.maxUncompressedBytes} bytes`)
  }

  let actualTotal = 0
  for (const entry of entries) {
    const declared = declaredSizes(entry).uncompressedSize
    const budget = Math.min(declared, limits.maxUncompressedBytes - actualTotal)
    actualTotal += await inflatedSize(entry, budget, declared)
  }
  return zip
}

/** jszip keeps the central directory sizes on a private field; fail closed if a jszip upgrade moves them. */
function declaredSizes(entry: JSZip.JSZipObject): DeclaredSizes {
  const data = (entry as unknown as { _data?: Partial<DeclaredSizes> })._data
  if (typeof data?.compressedSize !== 'number' || typeof data.uncompressedSize !== 'number' ||
      data.compressedSize < 0 || data.uncompressedSize < 0) {
    throw new BadRequestError('corrupt_document', 'an archive entry has no readable size')
  }
  return { compressedSize: data.compressedSize, uncompressedSize: data.uncompressedSize }
}

/** Inflates one entry as a stream, stopping as soon as it produces more than `budget` bytes. */
function inflatedSize(entry: JSZip.JSZipObject, budget: number, declared: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // jszip's stream is a readable-stream v2 object: not async iterable, and without destroy().
    const stream = entry.nodeStream('nodebuffer')
    let size = 0
    let done = false
    const finish = (err?: Error) => {
      if (done) return
      done = true
      if (err) {
        stream.pause()
        stream.removeAllListeners('data')
        reject(err)
      } else {
        resolve(size)
      }
    }
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= budget) return
      finish(size > declared
        ? new BadRequestError('zip_bomb_suspected', 'an archive entry inflates beyond its declared size')
        : new BadRequestError('archive_too_large', 'the document expands beyond the allowed size'))
    })
    stream.on('error', (err: Error) =>
      finish(new BadRequestError('corrupt_document', 'an archive entry could not be decompressed', err)))
    stream.on('end', () => finish())
  })
}
