import { match } from 'path-to-regexp'

/** A method and an Express-style path pattern, e.g. `{ method: 'GET', path: '/api/admin/documents/:id' }`. */
export interface RouteSpec {
  method: string
  path: string
}

/** Answers "which pattern is this path, and which methods does it take" for the known routes. */
export interface RouteTable {
  /** The pattern that matches `path`, or undefined for an unknown path. */
  pattern(path: string): string | undefined
  /** Methods allowed on `path` (sorted, HEAD included where declared), or undefined for an unknown path. */
  methods(path: string): string[] | undefined
}

/**
 * Built from the access matrix plus the few routes outside it. Matching never decodes parameters (`decode: false`),
 * so a malformed percent-escape cannot throw here; request-shape.ts rejects those paths before any matching.
 */
export function routeTable(specs: readonly RouteSpec[]): RouteTable {
  const byPattern = new Map<string, Set<string>>()
  for (const s of specs) byPattern.set(s.path, (byPattern.get(s.path) ?? new Set()).add(s.method))
  const entries = [...byPattern].map(([path, methods]) => ({
    path,
    methods: [...methods].sort(),
    test: match(path, { decode: false }),
  }))
  const matching = (path: string) => entries.filter((e) => e.test(path) !== false)
  return {
    pattern: (path) => matching(path)[0]?.path,
    // Two patterns can match one path (`/x/:id` and `/x/new`); the path then takes the methods of both.
    methods: (path) => {
      const found = matching(path)
      return found.length === 0 ? undefined : [...new Set(found.flatMap((e) => e.methods))].sort()
    },
  }
}
