import { guardOutput, type GuardedAnswer, type OutputGuardContext } from './output-guard.ts'

/** Unfinished constructs that cannot be judged yet: a tag, a Markdown link or image, a key block, a code span. */
const OPEN_CONSTRUCTS = [
  /<[^>]*$/,
  /!?\[[^\]\n]*$/,
  /!?\[[^\]\n]*\]\([^)\n]*$/,
  /-----BEGIN [A-Z ]+-----(?![\s\S]*-----END)[\s\S]*$/,
]

/** Where an answer may be cut: after a line break, or after sentence punctuation followed by a space. */
const BOUNDARY = /\n|[.!?;:](?:["')\]]*)\s/g

/** The end of the longest prefix of `text` that ends at a boundary and leaves no construct open. */
export function judgeablePrefix(text: string): number {
  let cut = 0
  for (const m of text.matchAll(BOUNDARY)) cut = (m.index ?? 0) + m[0].length
  let prefix = text.slice(0, cut)
  for (let guardRounds = 0; guardRounds < 8; guardRounds++) {
    const open = OPEN_CONSTRUCTS.map((re) => re.exec(prefix)).find((m) => m !== null)
    if (!open) break
    prefix = prefix.slice(0, open.index)
    const again = [...prefix.matchAll(BOUNDARY)].pop()
    prefix = again ? prefix.slice(0, (again.index ?? 0) + again[0].length) : ''
  }
  return prefix.length
}

/**
 * The output guard for streamed answers. Model text is held back until it can be judged (judgeablePrefix: whole
 * sentences or lines with no open link, tag or key block), then the guarded form of everything judgeable so far is
 * computed and only what extends the text already released is sent. Once a leak is detected nothing more is
 * released; the caller sends WITHHELD_ANSWER in its place. `finish()` guards the complete text: its result is the
 * answer that is stored and that the final event carries, and the caller replaces the streamed text if it differs.
 */
export class StreamGuard {
  #raw = ''
  #released = ''
  #judged = 0
  #stopped = false
  readonly #ctx: OutputGuardContext

  constructor(ctx: OutputGuardContext) {
    this.#ctx = ctx
  }

  /** Text released so far: a prefix of what the user has been sent. */
  get released(): string {
    return this.#released
  }

  /** True once a leak was detected: stop reading the model. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Adds model text; returns the newly releasable guarded text ('' when nothing can be released yet). */
  async push(delta: string): Promise<string> {
    if (this.#stopped) return ''
    this.#raw += delta
    const cut = judgeablePrefix(this.#raw)
    if (cut <= this.#judged) return ''
    this.#judged = cut
    const guarded = await guardOutput(this.#raw.slice(0, cut), this.#ctx)
    if (guarded.withheld) {
      this.#stopped = true
      return ''
    }
    if (!guarded.text.startsWith(this.#released)) return ''
    const fresh = guarded.text.slice(this.#released.length)
    this.#released = guarded.text
    return fresh
  }

  /** Guards the whole answer once the model has finished. */
  finish(): Promise<GuardedAnswer> {
    return guardOutput(this.#raw, this.#ctx)
  }
}
