-- Bad input, table-driven: every function, NULL in every position,
-- unknown, 0, negative and extreme ids, max_rows edge values, empty and
-- very long roles, bad arrays, wrong types.  Each call's outcome: its
-- SQLSTATE, or "ok" with a short result.  The server never crashes.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
INSERT INTO group_users.users (id, username) VALUES (1, 'ozmic'), (2, 'bob');
INSERT INTO group_users.groups (id, name) VALUES (1, 'Andela'), (2, 'Post-it');
SELECT setval('group_users.users_id_seq', 2), setval('group_users.groups_id_seq', 2);
SELECT group_users.add_membership(1, 1);

CREATE TEMP TABLE calls (n serial, sql text);
INSERT INTO calls (sql) VALUES
  -- user_groups / group_members: NULLs, ids, paging
  ('SELECT count(*) FROM group_users.user_groups(NULL)'),
  ('SELECT count(*) FROM group_users.user_groups(1, NULL, NULL)'),
  ('SELECT count(*) FROM group_users.user_groups(0)'),
  ('SELECT count(*) FROM group_users.user_groups(-1)'),
  ('SELECT count(*) FROM group_users.user_groups(9223372036854775807)'),
  ('SELECT count(*) FROM group_users.user_groups(-9223372036854775808)'),
  ('SELECT count(*) FROM group_users.user_groups(1, 9223372036854775807)'),
  ('SELECT count(*) FROM group_users.user_groups(1, -9223372036854775808)'),
  ('SELECT count(*) FROM group_users.user_groups(1, NULL, 0)'),
  ('SELECT count(*) FROM group_users.user_groups(1, NULL, -1)'),
  ('SELECT count(*) FROM group_users.user_groups(1, NULL, -2147483648)'),
  ('SELECT count(*) FROM group_users.user_groups(1, NULL, 2147483647)'),
  ('SELECT count(*) FROM group_users.user_groups(1, NULL, 2147483648)'),
  ('SELECT count(*) FROM group_users.user_groups(''abc'')'),
  ('SELECT count(*) FROM group_users.user_groups(1.5)'),
  ('SELECT count(*) FROM group_users.user_groups(9223372036854775808)'),
  ('SELECT count(*) FROM group_users.group_members(NULL, NULL, -1)'),
  ('SELECT count(*) FROM group_users.group_members(1, NULL, -1)'),
  ('SELECT count(*) FROM group_users.group_members(1, 0, 0)'),
  -- is_member and the JSON documents
  ('SELECT group_users.is_member(NULL, 1)'),
  ('SELECT group_users.is_member(1, NULL)'),
  ('SELECT group_users.is_member(0, 0)'),
  ('SELECT group_users.user_with_groups(NULL)'),
  ('SELECT group_users.user_with_groups(1, NULL)'),
  ('SELECT group_users.user_with_groups(-1)'),
  ('SELECT group_users.group_with_users(NULL, false)'),
  ('SELECT group_users.group_with_users(0)'),
  -- add_membership / remove_membership
  ('SELECT group_users.add_membership(NULL, NULL, NULL)'),
  ('SELECT group_users.add_membership(NULL, 1)'),
  ('SELECT group_users.add_membership(1, NULL)'),
  ('SELECT group_users.add_membership(1, 1, NULL)'),
  ('SELECT group_users.add_membership(1, 1, '''')'),
  ('SELECT group_users.add_membership(1, 1, '' '')'),
  ('SELECT group_users.add_membership(1, 1, repeat(''r'', 100000)) AND false'),
  ('SELECT group_users.add_membership(0, 1)'),
  ('SELECT group_users.add_membership(1, 0)'),
  ('SELECT group_users.add_membership(-1, -1)'),
  ('SELECT group_users.add_membership(9223372036854775807, 1)'),
  ('SELECT group_users.add_membership(''x'', 1)'),
  ('SELECT group_users.add_membership(1, 2, 3)'),
  ('SELECT group_users.remove_membership(NULL, NULL)'),
  ('SELECT group_users.remove_membership(0, 0)'),
  -- counts and any/all
  ('SELECT group_users.count_user_groups(NULL)'),
  ('SELECT group_users.count_group_members(-5)'),
  ('SELECT group_users.is_member_of_all(1, NULL)'),
  ('SELECT group_users.is_member_of_all(NULL, ''{1}'')'),
  ('SELECT group_users.is_member_of_all(1, ''{NULL}'')'),
  ('SELECT group_users.is_member_of_all(1, ''{}'')'),
  ('SELECT group_users.is_member_of_all(1, ''{1,1,1}'')'),
  ('SELECT group_users.is_member_of_all(1, ''{{1},{2}}'')'),
  ('SELECT group_users.is_member_of_all(1, ''[5:6]={1,1}'')'),
  ('SELECT group_users.is_member_of_any(1, ''{}'')'),
  ('SELECT group_users.is_member_of_any(1, ''{a}'')'),
  ('SELECT group_users.is_member_of_any(1, ARRAY[1.5])'),
  -- bulk writes
  ('SELECT group_users.add_memberships(NULL, ''{1}'')'),
  ('SELECT group_users.add_memberships(1, NULL)'),
  ('SELECT group_users.add_memberships(1, ''{1}'', NULL)'),
  ('SELECT group_users.add_memberships(1, ''{1}'', '''')'),
  ('SELECT group_users.add_memberships(1, ''{1,NULL,2}'')'),
  ('SELECT group_users.add_memberships(1, ''{0}'')'),
  ('SELECT group_users.add_memberships(1, ''{-1,1}'')'),
  ('SELECT group_users.add_memberships(1, ''{2,2,2,1,1}'')'),
  ('SELECT group_users.add_memberships(1, ''{{1,2},{1,2}}'')'),
  ('SELECT group_users.add_memberships(3, ''{1}'')'),
  ('SELECT group_users.add_memberships(3, ''{}'')'),
  ('SELECT group_users.add_memberships(1, ARRAY(SELECT generate_series(1, 100000)::bigint))'),
  ('SELECT group_users.remove_memberships(NULL, ''{}'')'),
  ('SELECT group_users.remove_memberships(1, ''{NULL}'')'),
  ('SELECT group_users.remove_memberships(1, ''{9223372036854775807,-9223372036854775808}'')'),
  ('SELECT (group_users.set_user_groups(NULL, ''{}'')).added'),
  ('SELECT (group_users.set_user_groups(1, NULL)).added'),
  ('SELECT (group_users.set_user_groups(1, ''{1}'', NULL)).added'),
  ('SELECT (group_users.set_user_groups(1, ''{1}'', '''')).added'),
  ('SELECT (group_users.set_user_groups(1, ''{1,NULL}'')).added'),
  ('SELECT (group_users.set_user_groups(1, ''{1,3}'')).added'),
  ('SELECT (group_users.set_user_groups(99, ''{}'')).removed'),
  ('SELECT (group_users.set_user_groups(99, ''{1}'')).added'),
  ('SELECT group_users.add_group_members(NULL, ''{1}'')'),
  ('SELECT group_users.add_group_members(1, ''{5}'')'),
  ('SELECT group_users.add_group_members(5, ''{1}'')'),
  ('SELECT group_users.remove_group_members(1, NULL)'),
  ('SELECT (group_users.set_group_members(1, ''{NULL}'')).added'),
  ('SELECT (group_users.set_group_members(NULL, ''{1}'')).added'),
  ('SELECT group_users.create_group(NULL)'),
  ('SELECT group_users.create_group(''g'', NULL)'),
  ('SELECT group_users.create_group(''g'', ''{1}'', NULL)'),
  ('SELECT group_users.create_group(''g'', ''{1}'', '''')'),
  ('SELECT group_users.create_group(''g'', ''{NULL}'')'),
  ('SELECT group_users.create_group(''g'', ''{7}'')'),
  ('SELECT count(*) FROM group_users.users_with_groups(NULL)'),
  ('SELECT count(*) FROM group_users.users_with_groups(''{}'')'),
  ('SELECT count(*) FROM group_users.users_with_groups(''{NULL}'')'),
  ('SELECT count(*) FROM group_users.users_with_groups(''{1,1,2,0,-1}'')'),
  ('SELECT count(*) FROM group_users.users_with_groups(''{{1}}'')'),
  ('SELECT count(*) FROM group_users.users_with_groups(''{1}'', NULL)'),
  -- no such function (wrong argument types from a client)
  ('SELECT group_users.add_membership(''1''::text, 1)'),
  ('SELECT group_users.user_with_groups(true)'),
  ('SELECT group_users.add_memberships(1, 1)');

-- each call in its own subtransaction; nothing it writes is kept
DO $$
DECLARE
  c record;
  result text;
  state text;
  msg text;
BEGIN
  FOR c IN SELECT * FROM calls ORDER BY n LOOP
    BEGIN
      EXECUTE c.sql INTO result;
      RAISE NOTICE '% -> ok %', c.sql, coalesce(left(result, 40), 'NULL');
      RAISE EXCEPTION USING ERRCODE = 'P0004';  -- roll back its writes
    EXCEPTION
      WHEN assert_failure THEN NULL;
      WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RAISE NOTICE '% -> % %', c.sql, state, left(msg, 70);
    END;
  END LOOP;
END
$$;

-- nothing was written, and the backend is still healthy
SELECT user_id, group_id, role FROM group_users.group_users ORDER BY 1, 2;
SELECT count(*) FROM group_users.groups;
SELECT group_users.user_with_groups(1, false) ->> 'username' AS still_here;
