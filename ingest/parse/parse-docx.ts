import mammoth from 'mammoth'
import { BadRequestError } from '../../server/errors.ts'
import { removeHiddenRuns } from './docx-hidden.ts'
import { parseHtml, type HtmlParseResult } from './parse-html.ts'
import type { ParseLimits } from './types.ts'
import { openZipSafely } from './zip-guard.ts'

/**
 * DOCX to sections: the archive is vetted for zip bombs first, hidden runs are removed, then mammoth converts the
 * document to HTML (Heading 1..6 styles become h1..h6) and the HTML parser builds the heading paths. mammoth runs with
 * external file access off, so a document cannot make it read linked files, and images are not inlined.
 */
export async function parseDocx(bytes: Buffer, limits: ParseLimits): Promise<HtmlParseResult> {
  const zip = await openZipSafely(bytes, limits)
  if (!zip.file('word/document.xml')) {
    throw new BadRequestError('corrupt_document', 'the file is a ZIP archive but not a Word document')
  }
  const hiddenRuns = await removeHiddenRuns(zip)
  const cleaned = hiddenRuns > 0 ? await zip.generateAsync({ type: 'nodebuffer' }) : bytes

  let html: string
  try {
    const result = await mammoth.convertToHtml({ buffer: cleaned }, {
      externalFileAccess: false,
      convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
    })
    html = result.value
  } catch (err) {
    throw new BadRequestError('corrupt_document', 'the Word document could not be read', err)
  }
  const parsed = parseHtml(html)
  return { ...parsed, hiddenTextRemoved: parsed.hiddenTextRemoved + hiddenRuns }
}
