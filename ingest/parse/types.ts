/** Formats the ingestion pipeline accepts. Detected from content, never trusted from the file name alone. */
export type DocumentFormat = 'pdf' | 'docx' | 'html' | 'markdown' | 'text' | 'csv' | 'json'

/** A contiguous run of text under one heading path (and, for PDFs, on one page). Chunks never cross sections. */
export interface Section {
  text: string
  /** Enclosing headings from outermost to innermost, e.g. ['Policies', 'Passwords']. Empty when there are none. */
  headingPath: string[]
  /** 1-based page number; set for PDFs only. */
  page?: number
}

export interface ParsedDocument {
  format: DocumentFormat
  title?: string
  sections: Section[]
  /**
   * How many pieces of content a reader would not see were dropped: HTML elements hidden by attribute or inline
   * style, HTML/Markdown comments with text, DOCX runs marked hidden (w:vanish). The scanner treats a non-zero count
   * as a signal of planted instructions; the hidden text itself is never indexed.
   */
  hiddenTextRemoved: number
}

/**
 * Resource limits applied while parsing untrusted uploads. Every limit fails closed with a BadRequestError carrying a
 * stable code, rather than truncating silently.
 */
export interface ParseLimits {
  /** Upload size in bytes (`file_too_large`). */
  maxBytes: number
  /** PDF page count (`too_many_pages`). */
  maxPages: number
  /** Extracted characters over all sections (`text_too_long`). */
  maxTextChars: number
  /** Entries in a DOCX archive (`archive_too_large`). */
  maxZipEntries: number
  /** Sum of uncompressed entry sizes in a DOCX archive, declared or actual (`archive_too_large`). */
  maxUncompressedBytes: number
}

/**
 * Deepest element nesting accepted in HTML and in DOCX XML. htmlparser2 keeps its open-element stack with
 * Array#unshift, so parse time grows with the square of the depth (200,000 nested divs took about a minute); browsers
 * stop nesting at a few hundred levels, so real documents stay far below this.
 */
export const MAX_MARKUP_DEPTH = 1024

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 25 * 1024 * 1024,
  maxPages: 500,
  maxTextChars: 5_000_000,
  maxZipEntries: 1000,
  maxUncompressedBytes: 100 * 1024 * 1024,
})
