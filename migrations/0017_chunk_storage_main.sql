-- Keep the small chunk columns that the access rule and citations read in the heap row. A chunk row passes the 2 kB
-- TOAST threshold (the embedding alone is 1.5 kB at 384 dimensions and 6 kB at 1,536, kept inline by 0013), and
-- PostgreSQL then moves EXTENDED columns out of line, largest first, for as long as the row stays over the threshold,
-- down to values of a few dozen bytes. With 1,536-dimensional embeddings that took title, heading_path, departments
-- and allowed_principals to TOAST along with the text and the tsvector, so every row the access rule checked cost two
-- TOAST lookups. MAIN keeps a column inline unless the row cannot fit a page otherwise.
--
-- The text and the tsvector stay EXTENDED. With the tsvector MAIN as well, ranking a full-text match no longer read
-- TOAST (server, 100k chunks: 5.7 -> 4.7 ms a statement), but at 384 dimensions a row then held three to a page
-- instead of four (heap 195 -> 260 MB), and the HNSW route's heap checks paid more than ranking gained (first search
-- at 100% visible, shared_buffers 128 MB, alternating runs on copies of one corpus: p50 17 and 19 ms -> 22 and 22 ms).
-- Rows written before this migration keep their layout until rewritten (for example by `npm run reembed`).
ALTER TABLE chunks
  ALTER COLUMN tenant_id SET STORAGE MAIN,
  ALTER COLUMN title SET STORAGE MAIN,
  ALTER COLUMN heading_path SET STORAGE MAIN,
  ALTER COLUMN departments SET STORAGE MAIN,
  ALTER COLUMN allowed_principals SET STORAGE MAIN,
  ALTER COLUMN embedding_model SET STORAGE MAIN;
