-- 200,000 calls of every read function in one session leave the backend's
-- memory as it was after the first 1,000: nothing leaks per call.  Caches
-- and pending statistics move the total by up to ~100 kB either way from
-- run to run (measured: -14 kB to +90 kB), while a leak of even one byte per
-- call would add 2 MB here; the bound is 256 kB.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
RESET client_min_messages;
CREATE EXTENSION group_users;
INSERT INTO group_users.users (id, username, email)
  SELECT i, 'user' || i, 'u' || i || '@example.com' FROM generate_series(1, 100) i;
INSERT INTO group_users.groups (id, name) SELECT i, 'group' || i FROM generate_series(1, 20) i;
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT u, 1 + (u * 7 + k) % 20 FROM generate_series(1, 100) u, generate_series(0, 4) k
  ON CONFLICT DO NOTHING;
VACUUM ANALYZE group_users.users, group_users.groups, group_users.group_users;
-- no autovacuum ANALYZE mid-run: the relcache rebuilds and plan
-- re-preparation it causes move memory by a few kB either way, which
-- would hide or fake a leak
ALTER TABLE group_users.users SET (autovacuum_enabled = false);
ALTER TABLE group_users.groups SET (autovacuum_enabled = false);
ALTER TABLE group_users.group_users SET (autovacuum_enabled = false);

-- n rounds of a call of every read function, each with its own arguments
CREATE FUNCTION pg_temp.read_everything(n int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  i int;
  u bigint;
  g bigint;
  total bigint := 0;
BEGIN
  FOR i IN 1 .. n LOOP
    u := 1 + i % 100;
    g := 1 + i % 20;
    total := total
      + (SELECT count(*) FROM group_users.user_groups(u, i % 5, 3))
      + (SELECT count(*) FROM group_users.group_members(g))
      + group_users.is_member(u, g)::int
      + length(group_users.user_with_groups(u, i % 2 = 0)::text)
      + length(group_users.group_with_users(g)::text)
      + group_users.count_user_groups(u) + group_users.count_group_members(g)
      + group_users.is_member_of_all(u, ARRAY[g, g + 1])::int
      + group_users.is_member_of_any(u, ARRAY[g, u])::int
      + (SELECT count(*) FROM group_users.users_with_groups(ARRAY[u, u + 1, 7]));
  END LOOP;
  RETURN total;
END $$;

CREATE TEMP TABLE memory (after int, name text, ident text, bytes bigint);
-- pg_backend_memory_contexts came in 14: on 13 the calls run unmeasured
-- (expected/memory_1.out)
SELECT to_regclass('pg_catalog.pg_backend_memory_contexts') IS NOT NULL
  AS measurable \gset
SELECT pg_temp.read_everything(1000) > 0 AS ran;
\if :measurable
INSERT INTO memory SELECT 1000, name, ident, total_bytes FROM pg_backend_memory_contexts;
\endif
SELECT pg_temp.read_everything(199000) > 0 AS ran;
\if :measurable
INSERT INTO memory SELECT 200000, name, ident, total_bytes FROM pg_backend_memory_contexts;
\endif

CREATE TEMP VIEW growth AS
  SELECT (SELECT sum(bytes) FROM memory WHERE after = 200000)
       - (SELECT sum(bytes) FROM memory WHERE after = 1000) AS bytes;
SELECT bytes <= 256 * 1024 AS no_leak FROM growth;
-- which contexts grew, if it did
SELECT m.name, left(m.ident, 40) AS ident,
       sum(m.bytes) FILTER (WHERE m.after = 1000) AS at_1k,
       sum(m.bytes) FILTER (WHERE m.after = 200000) AS at_200k
  FROM memory m, growth g
 WHERE g.bytes > 256 * 1024
 GROUP BY 1, 2
HAVING sum(m.bytes) FILTER (WHERE m.after = 1000)
       IS DISTINCT FROM sum(m.bytes) FILTER (WHERE m.after = 200000)
 ORDER BY 1, 2;

-- The writes: 25,000 adds of new pairs, then their removes, each way
-- measured inside its one transaction (what a write kept could live in the
-- transaction's memory as well as the session's); the bound is the same.
-- Adds and removes go in separate transactions: a row inserted and deleted
-- by one transaction takes a combo command id, which PostgreSQL keeps to
-- the transaction's end, for the statements as for the direct writes.
INSERT INTO group_users.users (id, username)
  SELECT i, 'writer' || i FROM generate_series(1001, 1250) i;
INSERT INTO group_users.groups (id, name)
  SELECT i, 'wgroup' || i FROM generate_series(1001, 1100) i;
CREATE TEMP TABLE write_memory (way text, after int, bytes bigint);
-- pairs first..last added or removed, then the backend's memory noted
CREATE FUNCTION pg_temp.write_pairs(first int, last int, adding boolean)
  RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  i int;
  n bigint := 0;
BEGIN
  FOR i IN first .. last LOOP
    IF adding THEN
      n := n + group_users.add_membership(1001 + i % 250, 1001 + i / 250)::int;
    ELSE
      n := n + group_users.remove_membership(1001 + i % 250, 1001 + i / 250)::int;
    END IF;
  END LOOP;
  IF to_regclass('pg_catalog.pg_backend_memory_contexts') IS NOT NULL THEN
    EXECUTE 'INSERT INTO write_memory SELECT $1, $2, sum(total_bytes)
               FROM pg_catalog.pg_backend_memory_contexts'
      USING CASE WHEN adding THEN 'add' ELSE 'remove' END, last + 1;
  END IF;
  RETURN n;
END $$;
BEGIN;
SELECT pg_temp.write_pairs(0, 999, true) AS added;
SELECT pg_temp.write_pairs(1000, 24999, true) AS added;
COMMIT;
BEGIN;
SELECT pg_temp.write_pairs(0, 999, false) AS removed;
SELECT pg_temp.write_pairs(1000, 24999, false) AS removed;
COMMIT;
SELECT way,
       max(bytes) FILTER (WHERE after = 25000) - max(bytes) FILTER (WHERE after = 1000)
         <= 256 * 1024 AS no_leak
  FROM write_memory GROUP BY way ORDER BY way;
-- the sizes, if they grew
SELECT way, after, bytes FROM write_memory
 WHERE way IN (SELECT way FROM write_memory GROUP BY way
                HAVING max(bytes) FILTER (WHERE after = 25000)
                     - max(bytes) FILTER (WHERE after = 1000) > 256 * 1024)
 ORDER BY 1, 2;

-- group_users.tid_cache bounds the row locations a session remembers:
-- once full, each new one takes the place of one remembered before.  A
-- group of 5,000 members 20 ids apart (each found by a primary-key descent,
-- and so remembered) is read with the bound at 100, then at 10,000: with
-- 100 the context "group_users row locations" stays under 64 kB; without
-- a bound, 5,000 ids take 8,192 buckets of 16 bytes (128 kB).  Every read
-- finds all 5,000.  (Not with the library preloaded: the locations are
-- then in shared memory, test/t/007_shared_tids.pl.)
SELECT :'measurable'::boolean AND NOT EXISTS (SELECT FROM pg_shmem_allocations
                                    WHERE name = 'group_users row locations')
       AS session_tids \gset
\if :session_tids
INSERT INTO group_users.users (id, username)
  SELECT 2001 + 20 * i, 'far' || i FROM generate_series(0, 4999) i;
INSERT INTO group_users.groups (id, name) VALUES (1201, 'far apart');
INSERT INTO group_users.group_users (user_id, group_id)
  SELECT 2001 + 20 * i, 1201 FROM generate_series(0, 4999) i;
SET group_users.tid_cache = 100;
SELECT count(*) FROM group_users.group_members(1201);
SELECT count(*) FROM group_users.group_members(1201);
SELECT total_bytes < 64 * 1024 AS bounded
  FROM pg_backend_memory_contexts WHERE name = 'group_users row locations';
SET group_users.tid_cache = 10000;
SELECT count(*) FROM group_users.group_members(1201);
SELECT total_bytes >= 64 * 1024 AS grew
  FROM pg_backend_memory_contexts WHERE name = 'group_users row locations';
RESET group_users.tid_cache;
\endif
