-- 1.1: counts, any/all, bulk adds/removes/sets from both sides,
-- create_group, users_with_groups.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
SET TimeZone = 'UTC';
\set VERBOSITY default

INSERT INTO group_users.users (id, username, created_at, updated_at)
  SELECT i, 'user' || i, '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00'
    FROM generate_series(1, 6) i;
INSERT INTO group_users.groups (id, name, created_at, updated_at)
  SELECT i, 'group' || i, '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'
    FROM generate_series(1, 6) i;
-- explicit ids above do not move the identity sequences
SELECT setval('group_users.users_id_seq', 6), setval('group_users.groups_id_seq', 6);
CREATE FUNCTION memberships() RETURNS TABLE (user_id bigint, group_id bigint, role text)
  LANGUAGE sql AS $$
    SELECT user_id, group_id, role FROM group_users.group_users ORDER BY 1, 2 $$;

-- add_memberships: duplicates and order do not matter; returns created
SELECT group_users.add_memberships(1, '{3,1,3,2}');
SELECT group_users.add_memberships(1, '{1,2,3}');
-- existing ones with another role get it (and count as not created)
SELECT group_users.add_memberships(1, '{2,4}', 'admin');
SELECT * FROM memberships();
SELECT group_users.add_memberships(1, '{}');

-- counts and membership tests
SELECT group_users.count_user_groups(1) AS user1, group_users.count_user_groups(6) AS user6,
       group_users.count_user_groups(999) AS unknown, group_users.count_group_members(2) AS group2,
       group_users.count_user_groups(NULL) IS NULL AS strict;
SELECT group_users.is_member_of_all(1, '{1,2,2,4}') AS all_yes,
       group_users.is_member_of_all(1, '{1,5}') AS all_no,
       group_users.is_member_of_all(1, '{}') AS all_empty,
       group_users.is_member_of_any(1, '{6,4}') AS any_yes,
       group_users.is_member_of_any(1, '{5,6}') AS any_no,
       group_users.is_member_of_any(1, '{}') AS any_empty,
       group_users.is_member_of_any(NULL, '{1}') IS NULL AS strict;
-- counts agree with the lists
SELECT u.id, group_users.count_user_groups(u.id) = (SELECT count(*) FROM group_users.user_groups(u.id)) AS agrees
  FROM group_users.users u ORDER BY u.id;

-- all or nothing: a missing group (the smallest is named), nothing added
SELECT group_users.add_memberships(2, '{1,78,77}');
SELECT group_users.add_memberships(2, '{-5}');
SELECT count(*) FROM group_users.group_users WHERE user_id = 2;
-- an unknown user
SELECT group_users.add_memberships(99, '{1}');
-- NULLs and bad arrays
SELECT group_users.add_memberships(NULL, '{1}');
SELECT group_users.add_memberships(1, NULL);
SELECT group_users.add_memberships(1, '{1,NULL}');
SELECT group_users.add_memberships(1, '{1}', NULL);
SELECT group_users.add_memberships(1, '{1}', '');
SELECT group_users.add_memberships(1, '{{1,2},{3,4}}');
SELECT group_users.is_member_of_all(1, '{1,NULL}');
SELECT group_users.is_member_of_any(1, '{NULL}');
SELECT * FROM group_users.users_with_groups('{1,NULL}');
SELECT group_users.remove_memberships(1, '{NULL}');
SELECT * FROM group_users.set_user_groups(1, NULL);
SELECT group_users.create_group(NULL);
SELECT group_users.create_group('x', '{1,NULL}');

-- remove_memberships: returns removed; unknown ones are ignored
SELECT group_users.remove_memberships(1, '{4,9,3}');
SELECT group_users.remove_memberships(1, '{}');
SELECT * FROM memberships();

-- set_user_groups: exactly the listed set; new ones get the role, kept
-- ones keep theirs (2 stays admin)
SELECT * FROM group_users.set_user_groups(1, '{2,5,6,5}');
SELECT * FROM memberships();
SELECT * FROM group_users.set_user_groups(1, '{2,3,6}', 'owner');
SELECT * FROM memberships();
SELECT * FROM group_users.set_user_groups(1, '{2,3,6}', 'owner');
-- roles are add_memberships' business
SELECT group_users.add_memberships(1, '{2,3,6}', 'owner');
SELECT * FROM memberships();
-- a missing group: nothing changes
SELECT * FROM group_users.set_user_groups(1, '{2,50}');
SELECT * FROM memberships();
-- in the select list, the row as a record; '{}' clears
SELECT group_users.set_user_groups(1, '{}');
SELECT count(*) FROM group_users.group_users WHERE user_id = 1;

-- the group side
SELECT group_users.add_group_members(3, '{5,1,2}', 'owner');
SELECT group_users.add_group_members(3, '{1,99}');
SELECT group_users.add_group_members(99, '{1}');
SELECT * FROM group_users.set_group_members(3, '{2,3}');
SELECT * FROM memberships();
SELECT group_users.remove_group_members(3, '{2,4}');
SELECT group_users.count_group_members(3);
SELECT * FROM group_users.set_group_members(3, '{}');
SELECT group_users.count_group_members(3);

-- create_group: the group and its members in one call
SELECT group_users.create_group('Andela', '{3,1}', 'admin') AS gid \gset
SELECT id, name FROM group_users.groups WHERE id = :gid;
SELECT id, username, role FROM group_users.group_members(:gid);
SELECT group_users.create_group('Empty') IS NOT NULL AS created;
SELECT count(*) FROM group_users.group_members(currval('group_users.groups_id_seq'));
-- a missing member: no group either
SELECT count(*) AS groups_before FROM group_users.groups;
SELECT group_users.create_group('Ghost town', '{1,555}');
SELECT count(*) AS groups_after FROM group_users.groups;
SELECT group_users.create_group('', '{}') IS NOT NULL AS empty_name_allowed;
-- the check of the listed ids sees what the same statement wrote before it
-- (the group made by the argument), with the direct reads and without
SELECT group_users.add_memberships(4, ARRAY[group_users.create_group('Made just now')]) AS added;
SET group_users.direct_reads = off;
SELECT group_users.add_memberships(4, ARRAY[group_users.create_group('Made just now, too')]) AS added;
RESET group_users.direct_reads;
SELECT g.name FROM group_users.user_groups(4) g WHERE g.name LIKE 'Made just now%' ORDER BY g.name;
DELETE FROM group_users.groups WHERE name LIKE 'Made just now%';

-- users_with_groups: one document per existing user, in the order given
UPDATE group_users.groups SET created_at = '2017-07-18 00:00:00+00',
  updated_at = '2017-07-18 00:00:00+00' WHERE id > 6;
SELECT group_users.add_memberships(2, '{2,1}');
SELECT group_users.users_with_groups('{3,999,1,3,2,6}', false);
SELECT d -> 'groups' -> 0 -> 'GroupUsers' ->> 'role' AS role,
       json_array_length(d -> 'groups') AS groups
  FROM group_users.users_with_groups('{2}') d;
-- the same documents as user_with_groups, one by one
SELECT bool_and(d::text = group_users.user_with_groups((d ->> 'id')::bigint)::text) AS same,
       count(*) AS documents
  FROM group_users.users_with_groups(ARRAY(SELECT id FROM group_users.users ORDER BY id DESC)) d;
SELECT bool_and(d::text = group_users.user_with_groups((d ->> 'id')::bigint, false)::text) AS same
  FROM group_users.users_with_groups('{1,2,3,4,5,6}', false) d;
SELECT count(*) FROM group_users.users_with_groups('{}');
SELECT count(*) FROM group_users.users_with_groups('{999,998}');
SELECT count(*) FROM group_users.users_with_groups(NULL);
-- in a parallel worker too
-- (force_parallel_mode was renamed debug_parallel_query in PostgreSQL 16)
SELECT set_config(name, 'on', false) FROM pg_settings
 WHERE name IN ('force_parallel_mode', 'debug_parallel_query') \gset
SELECT group_users.users_with_groups('{2}', false);
SELECT set_config(name, reset_val, false) FROM pg_settings
 WHERE name IN ('force_parallel_mode', 'debug_parallel_query') \gset

-- 100,000 ids in one call, from both sides
INSERT INTO group_users.groups (id, name)
  SELECT i, 'bulk' || i FROM generate_series(1000, 100999) i;
SELECT group_users.add_memberships(4, ARRAY(SELECT i FROM generate_series(100999, 1000, -1) i));
SELECT group_users.count_user_groups(4);
SELECT group_users.is_member_of_all(4, ARRAY(SELECT i FROM generate_series(1000, 100999) i));
SELECT * FROM group_users.set_user_groups(4, ARRAY(SELECT i FROM generate_series(50000, 150999) i));
SELECT * FROM group_users.set_user_groups(4, ARRAY(SELECT i FROM generate_series(50000, 100999) i));
SELECT group_users.remove_memberships(4, ARRAY(SELECT i FROM generate_series(1, 200000) i));
INSERT INTO group_users.users (id, username)
  SELECT i, 'bulk' || i FROM generate_series(1000, 100999) i;
SELECT group_users.add_group_members(1, ARRAY(SELECT i FROM generate_series(1000, 100999) i));
SELECT json_array_length(group_users.group_with_users(1) -> 'users');
SELECT count(*) FROM group_users.users_with_groups(ARRAY(SELECT i FROM generate_series(1000, 100999) i));
SELECT * FROM group_users.set_group_members(1, '{}');

-- every 1.1 write refuses a read-only transaction
BEGIN READ ONLY;
SELECT group_users.add_memberships(1, '{1}');
ROLLBACK;
BEGIN READ ONLY;
SELECT * FROM group_users.set_group_members(1, '{1}');
ROLLBACK;
BEGIN READ ONLY;
SELECT group_users.create_group('x');
ROLLBACK;

-- SQLSTATEs as a client sees them
DO $$
DECLARE
  calls text[] := ARRAY[
    'SELECT group_users.add_memberships(1, ''{1,77}'')',
    'SELECT group_users.add_group_members(1, ''{77}'')',
    'SELECT group_users.create_group(''g'', ''{77}'')',
    'SELECT group_users.add_memberships(77, ''{1}'')',
    'SELECT group_users.add_memberships(1, ''{NULL}'')',
    'SELECT group_users.set_user_groups(NULL, ''{}'')',
    'SELECT group_users.set_group_members(1, ''{}'', NULL)',
    'SELECT group_users.add_group_members(1, ''{1}'', '''')',
    'SELECT group_users.remove_group_members(1, ''{{1}}'')',
    'SELECT group_users.is_member_of_all(1, ''{NULL}'')',
    'SELECT group_users.create_group(NULL)'];
  call text;
  state text;
  msg text;
BEGIN
  FOREACH call IN ARRAY calls LOOP
    BEGIN
      EXECUTE call;
      RAISE NOTICE '% -> no error', call;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      RAISE NOTICE '% -> % %', call, state, msg;
    END;
  END LOOP;
END
$$;
DROP FUNCTION memberships();
