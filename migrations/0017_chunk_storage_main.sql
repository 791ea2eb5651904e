-- Which chunk columns stay in the heap row. A chunk row passes the 2 kB TOAST threshold (the embedding alone is
-- 1.5 kB at 384 dimensions and 6 kB at 1,536, kept inline by 0013), and PostgreSQL then moves EXTENDED columns out
-- of line, largest first, for as long as the row stays over the threshold, down to values of a few dozen bytes.
-- With 1,536-dimensional embeddings that took title, departments and allowed_principals to TOAST as well, so every
-- row the access rule checked cost two TOAST lookups. With 384 dimensions the tsvector went out of line, so ranking
-- a full-text match (ts_rank_cd) cost a TOAST lookup per matching chunk, while the match itself is decided by the
-- GIN index. MAIN keeps a column inline unless the row cannot fit a page otherwise; the chunk's text stays EXTENDED
-- and goes out of line first: it is read only for the few chunks a search returns. Rows written before this
-- migration keep their layout until rewritten (for example by `npm run reembed`).
ALTER TABLE chunks
  ALTER COLUMN tsv SET STORAGE MAIN,
  ALTER COLUMN tenant_id SET STORAGE MAIN,
  ALTER COLUMN title SET STORAGE MAIN,
  ALTER COLUMN heading_path SET STORAGE MAIN,
  ALTER COLUMN departments SET STORAGE MAIN,
  ALTER COLUMN allowed_principals SET STORAGE MAIN,
  ALTER COLUMN embedding_model SET STORAGE MAIN;
