-- Keep each chunk's embedding in its heap row instead of TOAST. A 384-dimensional vector is 1.5 kB, so with the
-- chunk's text the row passes the 2 kB TOAST threshold, and under the default EXTENDED storage PostgreSQL moved the
-- embedding out of line (floats do not compress): every distance computed by the exact route, the sibling step and
-- an index build then cost a TOAST index lookup and a second heap read. MAIN moves the other columns (text, tsv) out
-- first and the embedding only when the row cannot fit a page otherwise, so vectors up to the HNSW limit of 2,000
-- dimensions still store. Rows written before this migration keep their layout until rewritten (for example by
-- `npm run reembed`).
ALTER TABLE chunks ALTER COLUMN embedding SET STORAGE MAIN;
