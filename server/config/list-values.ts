/** TRUST_PROXY as Express reads it: a boolean, a hop count, or the list of trusted proxy addresses. */
export function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true'
  if (/^\d+$/.test(value)) return Number(value)
  return value.split(',').map((s) => s.trim()).filter(Boolean)
}

export function corsOrigins(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean)
}
