/**
 * The only reader of process.env: loadConfig parses it once against the zod schema in config/ (one file per area,
 * each variable documented where it is declared) and fails fast listing every problem. Importers use this module.
 */
export { loadConfig } from './config/load.ts'
export type { Config } from './config/config.types.ts'
export type { Env } from './config/env.schema.ts'
export { SCAN_POLICIES, type ScanPolicy } from './config/ingest.schema.ts'
