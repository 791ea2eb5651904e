import { getDocumentProxy } from 'unpdf'
import { BadRequestError } from '../../server/errors.ts'
import type { ParseLimits, Section } from './types.ts'

export interface PdfParseResult {
  title?: string
  sections: Section[]
  hiddenTextRemoved: number
}

/**
 * PDF to one section per page, with the page number kept. Limits are checked as early as pdf.js allows: the page
 * count before any page is read, the character budget after each page.
 *
 * Encryption policy: a PDF that needs a password to open is rejected (`encrypted_document`); we never hold
 * passwords. A PDF encrypted with an empty user password (permissions only, opened by every reader without asking)
 * is decrypted by pdf.js and accepted.
 *
 * Not detected: text drawn invisibly (render mode 3, white on white), which OCR layers also use legitimately.
 */
export async function parsePdf(bytes: Buffer, limits: ParseLimits): Promise<PdfParseResult> {
  // pdf.js may transfer the buffer it is given; a copy keeps the caller's Buffer (possibly pooled) intact.
  const data = new Uint8Array(bytes)
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>
  try {
    pdf = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false, stopAtErrors: false })
  } catch (err) {
    if ((err as { name?: unknown } | null)?.name === 'PasswordException') {
      throw new BadRequestError('encrypted_document', 'the PDF is password-protected; upload an unprotected copy', err)
    }
    throw new BadRequestError('corrupt_document', 'the PDF could not be read', err)
  }

  try {
    if (pdf.numPages > limits.maxPages) {
      throw new BadRequestError('too_many_pages', `the PDF has ${pdf.numPages} pages; the limit is ${limits.maxPages}`)
    }
    const sections: Section[] = []
    let chars = 0
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
      const text = await pageText(pdf, pageNumber)
      chars += text.length
      if (chars > limits.maxTextChars) {
        throw new BadRequestError('text_too_long', `the document has more than ${limits.maxTextChars} characters`)
      }
      if (text.trim() !== '') sections.push({ text, headingPath: [], page: pageNumber })
    }
    const result: PdfParseResult = { sections, hiddenTextRemoved: 0 }
    const title = await metadataTitle(pdf)
    if (title !== undefined) result.title = title
    return result
  } finally {
    await pdf.destroy()
  }
}

async function pageText(pdf: Awaited<ReturnType<typeof getDocumentProxy>>, pageNumber: number): Promise<string> {
  try {
    const page = await pdf.getPage(pageNumber)
    const content = await page.getTextContent()
    page.cleanup()
    let text = ''
    for (const item of content.items) {
      if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '')
    }
    return text
  } catch (err) {
    throw new BadRequestError('corrupt_document', `page ${pageNumber} of the PDF could not be read`, err)
  }
}

async function metadataTitle(pdf: Awaited<ReturnType<typeof getDocumentProxy>>): Promise<string | undefined> {
  try {
    const { info } = await pdf.getMetadata()
    const title = (info as Record<string, unknown>).Title
    return typeof title === 'string' && title.trim() !== '' ? title.trim() : undefined
  } catch {
    return undefined // a broken Info dictionary costs the title, not the document
  }
}
