/**
 * THE ONE PLACE server/ IMPORTS ingest/ (STYLE: "server/ never imports ingest/").
 *
 * The admin upload must run exactly the pipeline the CLI runs (validation, parsing limits, scanning, scan policy,
 * redaction, chunking, embedding, the single transaction and its audit entries). Two copies would drift, and the
 * difference would be a security bug in whichever path was forgotten. Routing the dependency through this single
 * file keeps it visible and replaceable (for example by a job queue that runs ingest/ in a worker process).
 */
export { ingestFile } from '../../ingest/pipeline.ts'
export type { IngestDeps, IngestInput, IngestResult } from '../../ingest/pipeline.ts'
