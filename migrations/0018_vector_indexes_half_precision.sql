-- The level graphs of 0015 over the embeddings cast to half precision, `(embedding::halfvec(n)) halfvec_cosine_ops`.
--
-- A graph search reads one index page for every neighbour whose distance it computes, and the pages a search needs
-- are often not in shared_buffers: the graphs of 100k chunks took 195 MB at full precision, more than the default
-- 128 MB of buffers, next to a 196 MB heap. At half precision an element's vector takes 768 bytes instead of 1,536, so
-- a page holds about twice as many and the graphs take 112 MB (the largest level 98 -> 56 MB). Measured on the
-- retrieval benchmark (server, 100k chunks, shared_buffers 128 MB, first search of each query, two runs before and
-- four after): 100% visible p95 41 to 49 ms -> 28 to 31 ms, 50% visible 25 to 31 -> 18 to 26 ms, recall@10 1 / 1 in
-- both. Builds compare fewer bytes: a 40,000-chunk level builds in 7.2 s instead of 9.8 s.
--
-- Only the graphs are approximate in this way: the column keeps full precision, and every candidate's distance is
-- computed from it again (server/retrieval/search.repo.ts), so ranking and the exact route are unchanged. The length
-- is part of the expression, so it is read from the column here, and ingest/vector-index.ts reads it the same way
-- when it builds (after `npm run reembed` to another EMBEDDINGS_DIMENSIONS, for example).
--
-- Embedded PGlite keeps the full-precision graphs of 0015: its WebAssembly build converts half floats in software, and
-- a 16k-chunk bulk load built its graph in 84 s instead of 12.8 s. server/retrieval/graph-precision.ts makes the same
-- choice for builds and searches; test/api/ingest-bulk.test.ts checks that both agree on each engine.
SET LOCAL maintenance_work_mem = '512MB';
DO $$
DECLARE
  dims int := (SELECT atttypmod FROM pg_attribute WHERE attrelid = 'public.chunks'::regclass AND attname = 'embedding');
  level int;
BEGIN
  IF version() LIKE '%emscripten%' THEN
    RETURN;
  END IF;
  -- Serial builds where a parallel one is unsafe (CVE-2026-3172, as in ingest/vector-index.ts chooseBuildWorkers).
  IF string_to_array((SELECT extversion FROM pg_extension WHERE extname = 'vector'), '.')::int[] < ARRAY[0, 8, 2] THEN
    PERFORM set_config('max_parallel_maintenance_workers', '0', true);
  END IF;
  FOR level IN 0..3 LOOP
    EXECUTE format('DROP INDEX IF EXISTS chunks_embedding_l%s_idx', level);
    EXECUTE format(
      'CREATE INDEX chunks_embedding_l%1$s_idx ON chunks USING hnsw ((embedding::halfvec(%2$s)) halfvec_cosine_ops) '
      'WHERE classification = %1$s', level, dims);
  END LOOP;
END
$$;
