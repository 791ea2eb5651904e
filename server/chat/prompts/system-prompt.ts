import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Where the canary goes; the files never contain the canary itself. */
const CANARY_SLOT = '{{canary}}'
const FILE_NAME = /^([a-z]+-v\d+)\.md$/

/** The prompt files in use: `grounded` answers from passages; `open` only when ungrounded answers are allowed. */
export const PROMPT_FILES = { grounded: 'system-v1.md', open: 'open-v1.md' } as const
export type PromptKind = keyof typeof PROMPT_FILES

/**
 * A versioned system prompt as shipped. `version` is the file name without `.md` and `hash` the SHA-256 of its
 * bytes; both are stored with every answer so an answer can be traced to the exact instructions it ran under.
 * The text is never returned by any API and never logged.
 */
export interface PromptTemplate {
  readonly version: string
  readonly hash: string
  /** The file text, with the canary slot. */
  readonly template: string
}

/** The system message of one request: the template with the requester's canary in its slot. */
export interface SystemPrompt {
  readonly version: string
  readonly hash: string
  readonly text: string
}

/** Reads and checks one prompt file; throws at start-up if it is missing, unversioned or has no single canary slot. */
export function loadPromptTemplate(file: string, dir = import.meta.dirname): PromptTemplate {
  const m = FILE_NAME.exec(file)
  if (!m) throw new Error(`prompt file ${file} must be named <name>-v<N>.md`)
  const bytes = fs.readFileSync(path.join(dir, file))
  const template = bytes.toString('utf8')
  if (template.split(CANARY_SLOT).length !== 2) throw new Error(`prompt file ${file} must contain ${CANARY_SLOT} exactly once`)
  return { version: m[1] as string, hash: createHash('sha256').update(bytes).digest('hex'), template }
}

export function loadPromptTemplates(dir?: string): Record<PromptKind, PromptTemplate> {
  return { grounded: loadPromptTemplate(PROMPT_FILES.grounded, dir), open: loadPromptTemplate(PROMPT_FILES.open, dir) }
}

export function renderSystemPrompt(t: PromptTemplate, canary: string): SystemPrompt {
  return { version: t.version, hash: t.hash, text: t.template.replace(CANARY_SLOT, canary) }
}

/** The template's own words without the slot: what the output guard must never let through near-verbatim. */
export function promptWords(t: PromptTemplate): string {
  return t.template.replace(CANARY_SLOT, ' ')
}
