import type { Database } from '../db/pool.ts'

/**
 * What the HNSW level graphs hold: the embeddings cast to half precision, or the full-precision column.
 *
 * On a PostgreSQL server, half (migrations/0018): a graph search reads an index page for every neighbour it scores,
 * and a page holds twice as many half-precision vectors, so searches whose pages are not in shared_buffers read half
 * as many (100k chunks, 128 MB shared_buffers, first search at 100% visible: p95 41 to 49 ms -> 28 to 31 ms).
 *
 * On embedded PGlite, full: its WebAssembly build converts half floats in software, and the same 16k-chunk bulk
 * load built its graph in 84 s instead of 12.8 s (177 instead of 857 chunks/s); an embedded database is small enough
 * that its pages stay in memory anyway. Migration 0018 makes the same choice from `version()`, and
 * test/api/ingest-bulk.test.ts holds the catalog to this function on both engines.
 */
export type GraphPrecision = 'half' | 'full'

export function graphPrecision(engine: Database['engine']): GraphPrecision {
  return engine === 'postgres' ? 'half' : 'full'
}

/** The indexed expression over `column` and its operator class, for a column of `dimensions`. */
export function graphExpression(
  precision: GraphPrecision, dimensions: number, column = 'embedding',
): { expression: string; opclass: string } {
  if (!Number.isInteger(dimensions) || dimensions < 1) throw new RangeError(`invalid dimensions ${dimensions}`)
  if (!/^[a-z_]+(\.[a-z_]+)?$/.test(column)) throw new RangeError(`invalid column reference ${column}`)
  return precision === 'half'
    ? { expression: `(${column})::halfvec(${dimensions})`, opclass: 'halfvec_cosine_ops' }
    : { expression: column, opclass: 'vector_cosine_ops' }
}

/**
 * The ORDER BY term a level index serves: its indexed expression over `column`, compared with the query vector
 * `param` cast to the same type. Built from graphExpression, so the search and the index can never spell it apart.
 */
export function graphDistance(precision: GraphPrecision, dimensions: number, column: string, param: string): string {
  if (!/^\$[1-9][0-9]*$/.test(param)) throw new RangeError(`invalid parameter reference ${param}`)
  const { expression } = graphExpression(precision, dimensions, column)
  return `${expression} <=> ${param}::${precision === 'half' ? `halfvec(${dimensions})` : 'vector'}`
}
