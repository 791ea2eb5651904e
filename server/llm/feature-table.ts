/** Murmur3 finalizer: spreads FNV's weak low bits before they choose a bucket and a sign. */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * Counts the features of one text by 32-bit key. Open addressing over one interleaved Int32Array
 * (key, count, start, end << 2 | family), where start/end locate the feature's word in the caller's buffer, so a probe
 * touches one cache line. Reused across texts: embedding is synchronous, so no two texts can interleave.
 */
export class FeatureTable {
  slots = new Int32Array(0)
  used = new Int32Array(0)
  size = 0
  shift = 32

  /** Empties the table and sizes it for at most `maxFeatures` distinct keys (load factor <= 1/2, so `add` ends). */
  reset(maxFeatures: number): void {
    for (let i = 0; i < this.size; i++) this.slots[this.used[i] + 1] = 0
    this.size = 0
    let bits = 8
    while (1 << bits < maxFeatures * 2) bits++
    if (this.slots.length < 4 << bits) {
      this.slots = new Int32Array(4 << bits)
      this.used = new Int32Array(1 << bits)
    }
    this.shift = 32 - Math.log2(this.slots.length / 4)
  }

  /** Counts one occurrence of `key`; the first occurrence records `family`, `start` and `end`. */
  add(key: number, family: number, start: number, end: number): void {
    const mask = this.slots.length - 1
    let at = (Math.imul(key, 0x9e3779b1) >>> this.shift) << 2
    for (;;) {
      const count = this.slots[at + 1]
      if (count === 0) {
        this.slots[at] = key
        this.slots[at + 1] = 1
        this.slots[at + 2] = start
        this.slots[at + 3] = (end << 2) | family
        this.used[this.size++] = at
        return
      }
      if (this.slots[at] === key) {
        this.slots[at + 1] = count + 1
        return
      }
      at = (at + 4) & mask
    }
  }
}
