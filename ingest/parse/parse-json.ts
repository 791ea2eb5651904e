import { BadRequestError } from '../../server/errors.ts'
import type { Section } from './types.ts'

/** Deeper nesting is rejected; real documents stay far below it. */
export const MAX_JSON_DEPTH = 64

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * JSON to "path.to.key: value" lines. For an object at the root, each top-level key becomes its own section with the
 * key as heading path; anything else is one section. Flattening is iterative, and `maxChars` bounds the output while
 * it is built, because repeated long key paths can make it far larger than the input.
 */
export function parseJson(text: string, maxChars: number): { sections: Section[]; hiddenTextRemoved: number } {
  let root: Json
  try {
    root = JSON.parse(text) as Json
  } catch (err) {
    throw new BadRequestError('corrupt_document', 'the JSON document does not parse', err)
  }
  const budget = { left: maxChars, max: maxChars }
  if (isObject(root) && Object.keys(root).length > 0) {
    const sections: Section[] = []
    for (const [key, value] of Object.entries(root)) {
      const lines = flatten(value, formatKey('', key), 1, budget)
      if (lines.length > 0) sections.push({ text: lines.join('\n'), headingPath: [key] })
    }
    return { sections, hiddenTextRemoved: 0 }
  }
  return { sections: [{ text: flatten(root, '', 0, budget).join('\n'), headingPath: [] }], hiddenTextRemoved: 0 }
}

function flatten(value: Json, path: string, depth: number, budget: { left: number; max: number }): string[] {
  const lines: string[] = []
  const pending: Array<{ value: Json; path: string; depth: number }> = [{ value, path, depth }]
  while (pending.length > 0) {
    const item = pending.pop()!
    if (item.depth > MAX_JSON_DEPTH) {
      throw new BadRequestError('unsupported_format', `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not supported`)
    }
    const children: Array<[string, Json]> = Array.isArray(item.value)
      ? item.value.map((v, i) => [`${item.path}[${i}]`, v])
      : isObject(item.value)
        ? Object.entries(item.value).map(([k, v]) => [formatKey(item.path, k), v])
        : []
    if (children.length === 0) {
      const line = render(item.path, item.value)
      budget.left -= line.length + 1
      if (budget.left < 0) throw new BadRequestError('text_too_long', `the document has more than ${budget.max} characters`)
      lines.push(line)
      continue
    }
    // Reverse, so popping from the end keeps document order.
    for (let i = children.length - 1; i >= 0; i--) {
      pending.push({ path: children[i]![0], value: children[i]![1], depth: item.depth + 1 })
    }
  }
  return lines
}

function render(path: string, value: Json): string {
  const shown = typeof value === 'string' ? value : Array.isArray(value) ? '[]' : isObject(value) ? '{}' : String(value)
  return path === '' ? shown : `${path}: ${shown}`
}

function formatKey(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`
  return `${parent}[${JSON.stringify(key)}]`
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
