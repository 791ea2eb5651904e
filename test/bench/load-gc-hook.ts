/**
 * Preloaded into the server only by the load bench (`node --expose-gc --import <this>`): SIGUSR2 runs a full
 * garbage collection, so the bench reads the heap at the level a leak would raise, not at a random point of the GC
 * saw-tooth. The server itself does not handle SIGUSR2; nothing else changes.
 */
process.on('SIGUSR2', () => {
  ;(globalThis as { gc?: () => void }).gc?.()
})
