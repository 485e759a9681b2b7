-- The set-returning functions put their rows in memory the backend keeps
-- from one call to the next (src/result_rows.c): the rows must come out
-- the same however the executor uses them (spilled past work_mem, rescanned
-- by a lateral join, two lists alive at once, a set in the select list, a
-- statement failing half-way), and what is kept must stay bounded: reused
-- by the next call, and given back when it is over twice work_mem with no
-- list alive.  The context's size is read from pg_backend_memory_contexts
-- (14 and later; on 13 those checks pass unmeasured).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
RESET client_min_messages;
CREATE EXTENSION group_users;
-- group 1: 20,000 members (some 3 MB of rows in memory); group 2: every
-- third of them; group 3: one
INSERT INTO group_users.users (id, username, email)
  SELECT i, 'user' || i, 'u' || i || '@example.com' FROM generate_series(1, 20000) i;
INSERT INTO group_users.groups (id, name) SELECT i, 'group' || i FROM generate_series(1, 3) i;
INSERT INTO group_users.group_users (user_id, group_id, role)
  SELECT i, 1, CASE WHEN i % 7 = 0 THEN 'admin' ELSE 'member' END
    FROM generate_series(1, 20000) i
  UNION ALL SELECT i, 2, 'member' FROM generate_series(3, 20000, 3) i
  UNION ALL SELECT 7, 3, 'owner';
VACUUM ANALYZE group_users.users, group_users.groups, group_users.group_users;

-- kB held by the context "group_users rows" and its children (from 18 on,
-- each tuplestore's own context of rows); NULL where not measurable
CREATE FUNCTION pg_temp.rows_kb() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  kb bigint;
BEGIN
  IF to_regclass('pg_catalog.pg_backend_memory_contexts') IS NULL THEN
    RETURN NULL;
  ELSIF current_setting('server_version_num')::int >= 180000 THEN
    -- 18 names no parent but gives each context's path of ids, valid
    -- within one read of the view (the CTE)
    EXECUTE 'WITH c AS MATERIALIZED (SELECT * FROM pg_catalog.pg_backend_memory_contexts)
             SELECT coalesce(sum(c.total_bytes), 0) / 1024
               FROM c, (SELECT path[level] AS id FROM c
                         WHERE name = ''group_users rows'') r
              WHERE c.path @> ARRAY[r.id]' INTO kb;
  ELSE
    EXECUTE 'SELECT coalesce(sum(total_bytes), 0) / 1024
               FROM pg_catalog.pg_backend_memory_contexts
              WHERE ''group_users rows'' IN (name, parent)' INTO kb;
  END IF;
  RETURN kb;
END $$;
-- From 18 on, a tuplestore deletes the context of its rows at its end
CREATE FUNCTION pg_temp.rows_freed_at_end() RETURNS boolean LANGUAGE sql AS $$
  SELECT current_setting('server_version_num')::int >= 180000
$$;
-- rows of group_members(gid) that the join does not give, and the reverse
CREATE FUNCTION pg_temp.differing(gid bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
    (SELECT * FROM group_users.group_members(gid)
     EXCEPT ALL
     SELECT u.id, u.username, u.email, m.role, m.created_at
       FROM group_users.group_users m JOIN group_users.users u ON u.id = m.user_id
      WHERE m.group_id = gid)
    UNION ALL
    (SELECT u.id, u.username, u.email, m.role, m.created_at
       FROM group_users.group_users m JOIN group_users.users u ON u.id = m.user_id
      WHERE m.group_id = gid
     EXCEPT ALL
     SELECT * FROM group_users.group_members(gid))) d
$$;

SET work_mem = '8MB';
SELECT count(*), sum(id), count(*) FILTER (WHERE role = 'admin') AS admins
  FROM group_users.group_members(1);
SELECT pg_temp.differing(1) AS differing, pg_temp.differing(2) AS differing_2;
-- the 20,000 rows' memory is kept after the statement (from 18 on, it is
-- given back) ...
SELECT CASE WHEN pg_temp.rows_freed_at_end() THEN pg_temp.rows_kb() < 2048
            ELSE coalesce(pg_temp.rows_kb() >= 2048, true) END AS kept_or_freed;
-- (\gset sets no variable for a NULL: -1 where not measurable)
SELECT coalesce(pg_temp.rows_kb(), -1) AS kb_after_one \gset
-- ... and reused: ten more calls, the context no bigger than after one
SELECT sum(n) FROM (SELECT (SELECT count(*) FROM group_users.group_members(1)) AS n
                      FROM generate_series(1, 10)) s;
SELECT coalesce(pg_temp.rows_kb() <= :kb_after_one + 64, true) AS reused;

-- a statement failing half-way through the rows ends no tuplestore: its
-- rows stay allocated.  From an emptied context (over twice work_mem, no
-- list alive: emptied before the call), one list, a failed statement, then
-- a list again: the context grows by the failed one's rows ...
SET work_mem = '1MB';
SELECT count(*) FROM group_users.group_members(3);
SELECT coalesce(pg_temp.rows_kb() < 1024, true) AS emptied;
SET work_mem = '8MB';
SELECT count(*) FROM group_users.group_members(1);
SELECT coalesce(pg_temp.rows_kb(), -1) AS kb_one \gset
SELECT id / (id - 10000) FROM group_users.group_members(1);
SELECT count(*) FROM group_users.group_members(1);
SELECT coalesce(pg_temp.rows_kb() >= :kb_one + 2048, true) AS grew;
-- ... and is emptied all the same: the failed statement's list is not
-- alive any more
SET work_mem = '1MB';
SELECT count(*) FROM group_users.group_members(3);
SELECT coalesce(pg_temp.rows_kb() < 1024, true) AS emptied;
-- the same through a savepoint a PL/pgSQL block rolls back
DO $$
BEGIN
  PERFORM id / (id - 5000) FROM group_users.group_members(1);
EXCEPTION WHEN division_by_zero THEN
  RAISE NOTICE 'caught %', SQLERRM;
END $$;
SELECT pg_temp.differing(1) AS differing;

SET work_mem = '8MB';
-- a lateral join rescans the function, one list per group
SELECT g.id, count(m.id) AS members
  FROM group_users.groups g
  LEFT JOIN LATERAL group_users.group_members(g.id) m ON true
 GROUP BY g.id ORDER BY g.id;
-- two lists alive at once, in one statement
SELECT count(*) AS in_both, sum(a.id) AS sum_ids
  FROM group_users.group_members(2) a JOIN group_users.group_members(1) b USING (id);
-- in the select list (the executor's ProjectSet asks for materialize mode too)
SELECT count(*), min((r).id), max((r).id)
  FROM (SELECT group_users.group_members(2) AS r) s;
SELECT (r).id, (r).name, (r).role FROM (SELECT group_users.user_groups(7) AS r) s;

-- past work_mem the tuplestore spills to a temporary file; the rows are
-- the same, and memory holds about work_mem, not the list
SET work_mem = '64kB';
SELECT pg_temp.differing(1) AS differing, pg_temp.differing(2) AS differing_2;
SELECT count(*), sum(id) FROM group_users.group_members(1);
SELECT coalesce(pg_temp.rows_kb() < 512, true) AS bounded;
RESET work_mem;

-- a cursor read part-way, then closed, and one read back and forth
BEGIN;
DECLARE c CURSOR FOR SELECT id FROM group_users.group_members(1);
FETCH 3 FROM c;
CLOSE c;
DECLARE s SCROLL CURSOR FOR SELECT id, role FROM group_users.group_members(1);
FETCH ABSOLUTE 14 FROM s;
FETCH BACKWARD 2 FROM s;
FETCH LAST FROM s;
COMMIT;
SELECT pg_temp.differing(1) AS differing;
