/**
 * Turns text into fixed-size vectors for similarity search. Implementations are interchangeable behind this
 * interface; vectors from different `model` ids are not comparable, so the model id is stored with every vector
 * and retrieval must only compare vectors that share it.
 */
export interface Embedder {
  /** Stable id recorded with each stored vector, including anything that changes the vector space (e.g. dimensions). */
  readonly model: string
  /** Length of every vector this embedder returns. */
  readonly dimensions: number
  /** One vector per input text, in input order. */
  embedDocuments(texts: string[]): Promise<number[][]>
  /** The vector for a search query. */
  embedQuery(text: string): Promise<number[]>
}

/**
 * Largest magnitude an embedding component may have: on a PostgreSQL server the HNSW graphs index the vectors cast
 * to half precision (migrations/0018, server/retrieval/graph-precision.ts), and the cast refuses anything larger. The
 * limit holds on embedded PGlite too, whose graphs keep full precision, so a database can move to a server. Models
 * emit values far inside it (unit-length vectors stay within ±1), so a vector beyond it is a provider fault, refused
 * before anything is stored.
 */
export const MAX_EMBEDDING_COMPONENT = 65504
