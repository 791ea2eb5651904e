import type { Server } from 'node:http'

/** HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS and HTTP_KEEP_ALIVE_TIMEOUT_MS (config.ts). */
export interface ServerTimeouts {
  requestMs: number
  headersMs: number
  keepAliveMs: number
}

/**
 * Slow clients must not hold sockets open indefinitely (slowloris): the headers and the whole request each have a
 * deadline. These bound receiving the request only; a long model answer being streamed back is not cut off.
 */
export function applyServerTimeouts(server: Server, t: ServerTimeouts): void {
  server.requestTimeout = t.requestMs
  server.headersTimeout = t.headersMs
  server.keepAliveTimeout = t.keepAliveMs
}
