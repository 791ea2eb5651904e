import JSZip from 'jszip'

/**
 * Builds a minimal DOCX (content types, package relationships, word/document.xml) with jszip, so DOCX tests need no
 * binary fixtures. Paragraphs with a `style` use the built-in style ids (Heading1, Heading2, ...) that mammoth maps to
 * h1..h6; `hidden` marks the run with <w:vanish/>, which Word does not display.
 */
export interface DocxParagraph {
  text: string
  style?: string
  hidden?: boolean
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`

const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`

export function documentXml(paragraphs: DocxParagraph[]): string {
  const body = paragraphs.map((p) => {
    const pPr = p.style ? `<w:pPr><w:pStyle w:val="${p.style}"/></w:pPr>` : ''
    const rPr = p.hidden ? '<w:rPr><w:vanish/></w:rPr>' : ''
    return `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${escapeXml(p.text)}</w:t></w:r></w:p>`
  }).join('')
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`
}

/** Returns the zip so a test can add entries (for example a zip bomb) before generating it. */
export function makeDocxZip(paragraphs: DocxParagraph[]): JSZip {
  const zip = new JSZip()
  zip.file('[Content_Types].xml', CONTENT_TYPES)
  zip.file('_rels/.rels', RELS)
  zip.file('word/document.xml', documentXml(paragraphs))
  return zip
}

export async function makeDocx(paragraphs: DocxParagraph[]): Promise<Buffer> {
  return makeDocxZip(paragraphs).generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!)
}
