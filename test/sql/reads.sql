-- user_groups, group_members and is_member: rows, order, paging, NULLs.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';

-- ids given out of order, so that order by id is not insertion order
INSERT INTO group_users.users (id, username, email, created_at, updated_at) VALUES
  (3, 'carol', 'carol@example.com', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00'),
  (1, 'ozmic', 'ozmic@example.com', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00'),
  (2, 'bob', NULL, '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00'),
  (4, 'loner', NULL, '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00');
INSERT INTO group_users.groups (id, name, created_at, updated_at) VALUES
  (30, 'Andela', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (10, 'Post-it', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (20, 'Zeta', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (40, 'Nobody', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00');
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at) VALUES
  (1, 30, 'admin',  '2017-07-19 01:00:00+00', '2017-07-19 01:00:00+00'),
  (1, 10, 'member', '2017-07-19 02:00:00+00', '2017-07-19 02:00:00+00'),
  (1, 20, 'member', '2017-07-19 03:00:00+00', '2017-07-19 03:00:00+00'),
  (3, 30, 'member', '2017-07-19 04:00:00+00', '2017-07-19 04:00:00+00'),
  (2, 30, 'owner',  '2017-07-19 05:00:00+00', '2017-07-19 05:00:00+00');

-- a user's groups, by id
SELECT * FROM group_users.user_groups(1);
-- a group's members, by id
SELECT * FROM group_users.group_members(30);

-- keyset paging: ids after after_id, at most max_rows
SELECT * FROM group_users.user_groups(1, NULL, 2);
SELECT * FROM group_users.user_groups(1, 20, 2);
SELECT * FROM group_users.user_groups(1, 30, 2);
SELECT * FROM group_users.user_groups(1, after_id => 10);
SELECT * FROM group_users.user_groups(1, max_rows => 1);
SELECT * FROM group_users.group_members(30, 1);
SELECT * FROM group_users.group_members(30, 1, 1);
SELECT * FROM group_users.group_members(30, -100, 1);
-- max_rows = 0 and after the largest possible id: nothing
SELECT count(*) FROM group_users.user_groups(1, NULL, 0);
SELECT count(*) FROM group_users.user_groups(1, 9223372036854775807);
SELECT count(*) FROM group_users.user_groups(1, -9223372036854775808);
-- walking all pages of one row each gives every row once, in order
WITH RECURSIVE pages AS (
  SELECT p.id FROM group_users.user_groups(1, NULL, 1) p
  UNION ALL
  SELECT n.id FROM pages, LATERAL group_users.user_groups(1, pages.id, 1) n
)
SELECT array_agg(id) FROM pages;

-- unknown ids, ids with nothing, 0 and negative ids: no rows
SELECT count(*) FROM group_users.user_groups(999);
SELECT count(*) FROM group_users.user_groups(4);
SELECT count(*) FROM group_users.group_members(40);
SELECT count(*) FROM group_users.group_members(0);
SELECT count(*) FROM group_users.group_members(-1);

-- STRICT in the id: NULL in, no rows out
SELECT count(*) FROM group_users.user_groups(NULL);
SELECT count(*) FROM group_users.group_members(NULL, 5, 5);

-- a negative max_rows is an error
SELECT * FROM group_users.user_groups(1, NULL, -1);
SELECT * FROM group_users.group_members(30, NULL, -5);

-- is_member
SELECT group_users.is_member(1, 30) AS yes, group_users.is_member(4, 30) AS no,
       group_users.is_member(999, 30) AS unknown_user,
       group_users.is_member(NULL, 30) IS NULL AS strict;

-- used in a query, once per row
SELECT u.username, g.name
  FROM group_users.users u, LATERAL group_users.user_groups(u.id) g
 ORDER BY u.id, g.id;
SELECT g.name, (SELECT count(*) FROM group_users.group_members(g.id)) AS members
  FROM group_users.groups g ORDER BY g.id;

-- in the select list, WITH ORDINALITY and ROWS FROM too
SELECT (group_users.user_groups(1)).name;
SELECT id, ordinality FROM group_users.user_groups(1) WITH ORDINALITY;
SELECT * FROM ROWS FROM (group_users.user_groups(1, NULL, 2), group_users.group_members(30, NULL, 1)) AS r(gid, gname, grole, gjoined, uid, uname, uemail, urole, ujoined);

-- TimeZone changes the display of joined_at, not the instant
SET TimeZone = 'Asia/Kolkata';
SELECT id, joined_at FROM group_users.user_groups(1);
RESET TimeZone;

-- marked PARALLEL SAFE: the same rows from a parallel worker
SET TimeZone = 'UTC';
-- (force_parallel_mode was renamed debug_parallel_query in PostgreSQL 16)
SELECT set_config(name, 'on', false) FROM pg_settings
 WHERE name IN ('force_parallel_mode', 'debug_parallel_query') \gset
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT * FROM group_users.user_groups(1);
SELECT * FROM group_users.user_groups(1);
SELECT * FROM group_users.group_members(30);
SELECT group_users.is_member(1, 30), group_users.user_with_groups(2, false);
SELECT set_config(name, reset_val, false) FROM pg_settings
 WHERE name IN ('force_parallel_mode', 'debug_parallel_query') \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- kept plans survive DDL and ANALYZE on the tables
ANALYZE group_users.group_users;
SELECT count(*) FROM group_users.user_groups(1);
ALTER TABLE group_users.groups ADD COLUMN note text;
SELECT * FROM group_users.user_groups(1, NULL, 1);
ALTER TABLE group_users.groups DROP COLUMN note;
SELECT * FROM group_users.user_groups(1, NULL, 1);

-- statement text is built from the functions' schema, not a fixed name:
-- a renamed schema works in this backend and in a new one
ALTER SCHEMA group_users RENAME TO gu_renamed;
SELECT count(*) FROM gu_renamed.user_groups(1);
\c
SELECT count(*) FROM gu_renamed.user_groups(1);
SELECT gu_renamed.user_with_groups(2, false) ->> 'username' AS username;
-- foreign-key errors are still worded for the renamed schema
SELECT gu_renamed.add_membership(999, 10);
ALTER SCHEMA gu_renamed RENAME TO group_users;
