-- SECURITY INVOKER: privileges and row-level security of the caller apply;
-- a hostile search_path changes nothing.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
SET TimeZone = 'UTC';
\set VERBOSITY default

INSERT INTO group_users.users (id, username, created_at, updated_at) VALUES
  (1, 'ozmic', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00'),
  (2, 'bob', '2017-07-17 10:00:00+00', '2017-07-17 10:00:00+00');
INSERT INTO group_users.groups (id, name, created_at, updated_at) VALUES
  (1, 'Andela', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (2, 'secret', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00'),
  (3, 'Post-it', '2017-07-18 00:00:00+00', '2017-07-18 00:00:00+00');
INSERT INTO group_users.group_users (user_id, group_id, role, created_at, updated_at) VALUES
  (1, 1, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (1, 2, 'member', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00'),
  (2, 2, 'hidden', '2017-07-19 00:00:00+00', '2017-07-19 00:00:00+00');
SELECT setval('group_users.groups_id_seq', 3);

-- Every function is SECURITY INVOKER
SELECT count(*) AS security_definer FROM pg_proc
 WHERE pronamespace = 'group_users'::regnamespace AND prosecdef;

-- A role without USAGE on the schema: 42501
CREATE ROLE regress_gu_outsider;
SET ROLE regress_gu_outsider;
SELECT group_users.is_member(1, 1);
RESET ROLE;

-- A role with USAGE on the schema but no grant on the tables: 42501 from
-- every function (the write functions check their arguments first)
CREATE ROLE regress_gu_nobody;
GRANT USAGE ON SCHEMA group_users TO regress_gu_nobody;
SET ROLE regress_gu_nobody;
SELECT * FROM group_users.user_groups(1);
SELECT * FROM group_users.group_members(1);
SELECT group_users.is_member(1, 1);
SELECT group_users.user_with_groups(1);
SELECT group_users.group_with_users(1);
SELECT group_users.add_membership(2, 1);
SELECT group_users.remove_membership(1, 1);
SELECT group_users.count_user_groups(1);
SELECT group_users.count_group_members(1);
SELECT group_users.is_member_of_all(1, '{1}');
SELECT group_users.is_member_of_any(1, '{1}');
SELECT * FROM group_users.users_with_groups('{1}');
SELECT group_users.add_memberships(2, '{1}');
SELECT group_users.remove_memberships(2, '{1}');
SELECT * FROM group_users.set_user_groups(2, '{1}');
SELECT group_users.add_group_members(1, '{2}');
SELECT group_users.remove_group_members(1, '{2}');
SELECT * FROM group_users.set_group_members(1, '{2}');
SELECT group_users.create_group('x', '{2}');
RESET ROLE;

-- The read-only recipe of the README: reads work, writes get 42501
CREATE ROLE regress_gu_reader;
GRANT USAGE ON SCHEMA group_users TO regress_gu_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA group_users TO regress_gu_reader;
SET ROLE regress_gu_reader;
SELECT * FROM group_users.user_groups(1);
SELECT group_users.is_member(1, 1);
SELECT group_users.add_membership(2, 1);
SELECT group_users.remove_membership(1, 1);
RESET ROLE;

-- The read-write recipe of the README
CREATE ROLE regress_gu_writer;
GRANT USAGE ON SCHEMA group_users TO regress_gu_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA group_users TO regress_gu_writer;
SET ROLE regress_gu_writer;
SELECT group_users.add_membership(2, 1);
SELECT group_users.add_membership(2, 1, 'admin');
SELECT group_users.remove_membership(2, 1);
RESET ROLE;
-- identity columns need no grant on their sequence
SELECT setval('group_users.users_id_seq', 10);
SET ROLE regress_gu_writer;
INSERT INTO group_users.users (username) VALUES ('carol') RETURNING id, username;
RESET ROLE;

-- Row-level security: the policy hides the group 'secret' and memberships
-- whose role is 'hidden' from everyone but the owner
ALTER TABLE group_users.groups ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_groups ON group_users.groups USING (name <> 'secret');
ALTER TABLE group_users.group_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY visible_memberships ON group_users.group_users
  USING (role <> 'hidden') WITH CHECK (role IN ('member', 'admin'));

-- the owner (a superuser here) sees everything
SELECT * FROM group_users.user_groups(1);
SELECT * FROM group_users.group_members(2);
-- the reader does not see the secret group, nor hidden memberships; the
-- plans this backend kept for the superuser are not reused for it
SET ROLE regress_gu_reader;
SELECT * FROM group_users.user_groups(1);
SELECT * FROM group_users.group_members(2);
SELECT group_users.is_member(1, 2) AS visible, group_users.is_member(2, 2) AS hidden;
SELECT group_users.user_with_groups(1, false);
SELECT group_users.group_with_users(2) IS NULL AS secret_group_hidden;
SELECT group_users.group_with_users(1, false);
SELECT group_users.count_user_groups(1) AS groups_of_1, group_users.count_group_members(2) AS members_of_2;
SELECT group_users.is_member_of_all(2, '{2}') AS hidden_all, group_users.is_member_of_any(1, '{2,3}') AS visible_any;
SELECT * FROM group_users.users_with_groups('{2,1}', false);
RESET ROLE;
-- the writer: WITH CHECK applies to add_membership, USING to remove
SET ROLE regress_gu_writer;
SELECT group_users.add_membership(2, 3, 'owner');
SELECT group_users.add_membership(2, 3, 'admin');
SELECT group_users.remove_membership(2, 2) AS removed_hidden;
SELECT group_users.remove_memberships(2, '{2}') AS removed_hidden;
-- a group it cannot see counts as missing for the bulk writes
SELECT group_users.add_memberships(2, '{1,2}');
SELECT * FROM group_users.set_user_groups(2, '{3}', 'admin');
SELECT group_users.add_group_members(3, '{1}', 'owner');
RESET ROLE;
SELECT user_id, group_id, role FROM group_users.group_users ORDER BY 1, 2;
DROP POLICY visible_groups ON group_users.groups;
DROP POLICY visible_memberships ON group_users.group_users;
ALTER TABLE group_users.groups DISABLE ROW LEVEL SECURITY;
ALTER TABLE group_users.group_users DISABLE ROW LEVEL SECURITY;

-- A hostile search_path: look-alike tables, functions and operators in
-- public and pg_temp change nothing
CREATE TABLE public.users (id bigint, username text, email text,
  created_at timestamptz, updated_at timestamptz);
CREATE TABLE public.groups (id bigint, name text,
  created_at timestamptz, updated_at timestamptz);
CREATE TABLE public.group_users (user_id bigint, group_id bigint, role text,
  created_at timestamptz, updated_at timestamptz);
INSERT INTO public.users VALUES (1, 'impostor', NULL, now(), now());
INSERT INTO public.groups VALUES (1, 'impostor group', now(), now());
INSERT INTO public.group_users VALUES (1, 1, 'impostor', now(), now());
CREATE TEMP TABLE users (id bigint, username text, email text,
  created_at timestamptz, updated_at timestamptz);
CREATE TEMP TABLE group_users (user_id bigint, group_id bigint, role text,
  created_at timestamptz, updated_at timestamptz);
INSERT INTO pg_temp.users VALUES (1, 'temp impostor', NULL, now(), now());
CREATE FUNCTION public.always(bigint, bigint) RETURNS boolean
  LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION public.always(text, text) RETURNS boolean
  LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.always);
CREATE OPERATOR public.>= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.always);
CREATE OPERATOR public.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = public.always);
CREATE FUNCTION public.now() RETURNS timestamptz
  LANGUAGE sql AS $$SELECT timestamptz '1999-01-01 00:00:00+00'$$;
CREATE FUNCTION public.unnest(bigint[]) RETURNS SETOF bigint
  LANGUAGE sql AS $$SELECT 1::bigint WHERE false$$;

-- before: the answers under the default search_path
CREATE TABLE public.expected_answers AS
SELECT 'user_groups' AS f, (SELECT json_agg(t) FROM group_users.user_groups(1) t)::text AS v
UNION ALL SELECT 'group_members', (SELECT json_agg(t) FROM group_users.group_members(2) t)::text
UNION ALL SELECT 'is_member', group_users.is_member(2, 1)::text
UNION ALL SELECT 'user_with_groups', group_users.user_with_groups(1)::text
UNION ALL SELECT 'group_with_users', group_users.group_with_users(2)::text
UNION ALL SELECT 'counts', group_users.count_user_groups(2) || '/' || group_users.count_group_members(2)
UNION ALL SELECT 'all_any', group_users.is_member_of_all(2, '{1,2}') || '/' || group_users.is_member_of_any(2, '{1,9}')
UNION ALL SELECT 'users_with_groups', (SELECT json_agg(d)::text FROM group_users.users_with_groups('{2,1}') d);

SET search_path = public, pg_catalog;
SELECT f, v = (CASE f
  WHEN 'user_groups' THEN (SELECT json_agg(t) FROM group_users.user_groups(1) t)::text
  WHEN 'group_members' THEN (SELECT json_agg(t) FROM group_users.group_members(2) t)::text
  WHEN 'is_member' THEN group_users.is_member(2, 1)::text
  WHEN 'user_with_groups' THEN group_users.user_with_groups(1)::text
  WHEN 'group_with_users' THEN group_users.group_with_users(2)::text
  WHEN 'counts' THEN group_users.count_user_groups(2) || '/' || group_users.count_group_members(2)
  WHEN 'all_any' THEN group_users.is_member_of_all(2, '{1,2}') || '/' || group_users.is_member_of_any(2, '{1,9}')
  WHEN 'users_with_groups' THEN (SELECT json_agg(d)::text FROM group_users.users_with_groups('{2,1}') d) END) AS unchanged
  FROM public.expected_answers ORDER BY f;
-- writes go to the extension's table, and now() is pg_catalog's
SELECT group_users.add_membership(2, 1);
SELECT group_users.add_membership(2, 1, 'admin');
SELECT group_users.remove_membership(1, 1);
SELECT group_users.add_memberships(1, '{1,3}', 'admin');
SELECT * FROM group_users.set_user_groups(1, '{3}');
SELECT group_users.remove_memberships(1, '{3}');
SELECT * FROM group_users.set_group_members(3, '{1,2}', 'admin');
SELECT group_users.remove_group_members(3, '{1}');
SELECT group_users.create_group('made under a hostile path', '{1}') > 0 AS created;
SET search_path = pg_temp, public, pg_catalog;
SELECT id, name, role FROM group_users.user_groups(2);
SELECT group_users.is_member(2, 1), group_users.is_member(1, 1);
RESET search_path;
SELECT user_id, group_id, role FROM group_users.group_users ORDER BY 1, 2;
SELECT count(*) AS made_here FROM group_users.groups WHERE name = 'made under a hostile path';
-- the role update of (2, 1) used pg_catalog.now(), not public.now() (1999)
SELECT updated_at > '2020-01-01' AS real_now
  FROM group_users.group_users WHERE (user_id, group_id) = (2, 1);
SELECT count(*) AS impostor_rows_untouched FROM public.group_users;

DROP TABLE public.expected_answers, public.users, public.groups, public.group_users;
DROP OPERATOR public.= (bigint, bigint);
DROP OPERATOR public.>= (bigint, bigint);
DROP OPERATOR public.<> (text, text);
DROP FUNCTION public.always(bigint, bigint), public.always(text, text), public.now(),
  public.unnest(bigint[]);
DROP OWNED BY regress_gu_outsider, regress_gu_nobody, regress_gu_reader, regress_gu_writer;
DROP ROLE regress_gu_outsider, regress_gu_nobody, regress_gu_reader, regress_gu_writer;
