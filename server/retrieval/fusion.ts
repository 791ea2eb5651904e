/** The RRF constant from Cormack, Clarke and Büttcher (2009): damps the head of each list so neither list dominates. */
export const RRF_K = 60

export interface FusedCandidate {
  chunkId: string
  score: number
  /** 1-based rank in the vector list, or null when the chunk came only from full-text search. */
  vectorRank: number | null
  textRank: number | null
}

/**
 * Reciprocal rank fusion of ranked chunk-id lists: score = sum over lists of 1 / (RRF_K + rank). Ranks, not raw
 * scores, are fused, because cosine distances and ts_rank_cd values live on unrelated scales. Ties go to the
 * better vector rank, then the chunk id, so the order is deterministic.
 */
export function fuseReciprocalRank(vectorIds: readonly string[], textIds: readonly string[], limit: number): FusedCandidate[] {
  const fused = new Map<string, FusedCandidate>()
  const add = (ids: readonly string[], field: 'vectorRank' | 'textRank') => {
    ids.forEach((chunkId, index) => {
      const entry = fused.get(chunkId) ?? { chunkId, score: 0, vectorRank: null, textRank: null }
      if (entry[field] !== null) return
      entry[field] = index + 1
      entry.score += 1 / (RRF_K + index + 1)
      fused.set(chunkId, entry)
    })
  }
  add(vectorIds, 'vectorRank')
  add(textIds, 'textRank')
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || (a.vectorRank ?? Infinity) - (b.vectorRank ?? Infinity) || (a.chunkId < b.chunkId ? -1 : 1))
    .slice(0, limit)
}
