export interface TenantKeyCacheOptions {
  /** How long an unwrapped key stays in memory after it was loaded. Default 5 minutes. */
  ttlMs?: number
  /** Upper bound on cached keys; the oldest is evicted first. Default 1000. */
  maxEntries?: number
  /** Clock, injectable for tests. */
  now?: () => number
}

interface Entry {
  key: Buffer
  expiresAt: number
}

/**
 * Short-lived cache of unwrapped tenant keys, so the root key (possibly an HSM round trip) is used once per tenant
 * key and TTL rather than once per message.
 *
 * Evicted keys are overwritten with zeros. Callers get the cached buffer itself, not a copy that nobody would zero;
 * the price is that a caller holding a key across an eviction sees an all-zero buffer, which envelope.ts refuses to
 * use. The TTL counts from load, not last use, so `forget` is not the only way a key leaves memory.
 */
export class TenantKeyCache {
  readonly #ttlMs: number
  readonly #maxEntries: number
  readonly #now: () => number
  readonly #entries = new Map<string, Entry>()
  readonly #loading = new Map<string, Promise<Buffer>>()
  #generation = new Map<string, number>()
  #epoch = 0
  #sweeper: NodeJS.Timeout | null = null

  constructor(options: TenantKeyCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 5 * 60_000
    this.#maxEntries = options.maxEntries ?? 1000
    this.#now = options.now ?? Date.now
  }

  /** Returns the cached key or runs `load` once for concurrent callers asking for the same tenant and version. */
  async get(tenantId: string, version: number, load: () => Promise<Buffer>): Promise<Buffer> {
    const id = `${tenantId}:${version}`
    const hit = this.#entries.get(id)
    if (hit && hit.expiresAt > this.#now()) return hit.key
    if (hit) this.#evict(id)
    const pending = this.#loading.get(id)
    if (pending) return pending
    const stamp = () => `${this.#epoch}:${this.#generation.get(tenantId) ?? 0}`
    const before = stamp()
    const promise = load()
      .then((key) => {
        // A forget() or clear() during the load asked for this key to be dropped: serve it once, never cache it.
        if (stamp() === before) this.#store(id, key)
        return key
      })
      .finally(() => this.#loading.delete(id))
    this.#loading.set(id, promise)
    return promise
  }

  /** Drops and zeroes every cached version of the tenant's key (rotation, shredding, tenant deletion). */
  forget(tenantId: string): void {
    this.#generation.set(tenantId, (this.#generation.get(tenantId) ?? 0) + 1)
    for (const id of [...this.#entries.keys()]) if (id.startsWith(`${tenantId}:`)) this.#evict(id)
  }

  /** Zeroes everything and stops the sweep timer; call on shutdown. */
  clear(): void {
    this.#epoch += 1
    this.#generation = new Map()
    for (const id of [...this.#entries.keys()]) this.#evict(id)
  }

  get size(): number {
    return this.#entries.size
  }

  /** Evicts expired keys now; the background timer calls this every ttl/2 while anything is cached. */
  sweep(): void {
    const now = this.#now()
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#evict(id)
  }

  #store(id: string, key: Buffer): void {
    if (this.#entries.has(id)) this.#evict(id)
    while (this.#entries.size >= this.#maxEntries) this.#evict(this.#entries.keys().next().value as string)
    this.#entries.set(id, { key, expiresAt: this.#now() + this.#ttlMs })
    if (!this.#sweeper) {
      this.#sweeper = setInterval(() => this.sweep(), Math.max(1000, this.#ttlMs / 2))
      this.#sweeper.unref()
    }
  }

  #evict(id: string): void {
    const entry = this.#entries.get(id)
    if (!entry) return
    this.#entries.delete(id)
    entry.key.fill(0)
    if (this.#entries.size === 0 && this.#sweeper) {
      clearInterval(this.#sweeper)
      this.#sweeper = null
    }
  }
}
