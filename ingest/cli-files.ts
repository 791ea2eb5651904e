import fs from 'node:fs'
import path from 'node:path'

/** A file found on the command line or under a folder given there. */
export interface CliFile {
  absolute: string
  /** The document's source: the path relative to the working directory, or absolute when outside it. */
  source: string
}

/**
 * Expands the command-line paths: files as given, folders recursed in name order. Entries whose name starts with a
 * dot are skipped (.git, editor swap files), and so are symbolic links found inside folders, which could loop or
 * pull in files from elsewhere; a link named explicitly is followed. Throws on a path that does not exist.
 */
export function collectFiles(paths: readonly string[], cwd = process.cwd()): CliFile[] {
  const out: CliFile[] = []
  const seen = new Set<string>()
  const add = (absolute: string) => {
    if (seen.has(absolute)) return
    seen.add(absolute)
    out.push({ absolute, source: sourceOf(absolute, cwd) })
  }
  for (const p of paths) {
    const absolute = path.resolve(cwd, p)
    const stat = fs.statSync(absolute, { throwIfNoEntry: false })
    if (!stat) throw new Error(`no such file or folder: ${p}`)
    if (stat.isDirectory()) walk(absolute, add)
    else if (stat.isFile()) add(absolute)
    else throw new Error(`not a regular file or folder: ${p}`)
  }
  return out
}

function walk(dir: string, add: (absolute: string) => void): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    const absolute = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(absolute, add)
    else if (entry.isFile()) add(absolute)
  }
}

export function sourceOf(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute)
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
  return (inside ? relative : absolute).split(path.sep).join('/')
}

/**
 * Reads at most `max` bytes: a file larger than the upload limit is never loaded whole; the pipeline sees more than
 * its limit and rejects it as file_too_large.
 */
export function readCapped(absolute: string, max: number): Buffer {
  const fd = fs.openSync(absolute, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const buffer = Buffer.alloc(Math.min(size, max))
    let read = 0
    while (read < buffer.length) {
      const n = fs.readSync(fd, buffer, read, buffer.length - read, read)
      if (n === 0) break
      read += n
    }
    return buffer.subarray(0, read)
  } finally {
    fs.closeSync(fd)
  }
}
