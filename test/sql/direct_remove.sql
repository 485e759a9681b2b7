-- remove_membership, the removes of the group-side bulk writes, and the
-- deletes of set_user_groups (one scan of the user's memberships),
-- delete directly with the table AM when nothing but the table AM would
-- act on the delete, and run their DELETE statement otherwise: a DELETE
-- trigger (a foreign key's too) or rule on the join table, row-level
-- security, privileges that are not table-wide, or
-- group_users.direct_deletes = off.  Either way the results, the rows left
-- and the errors are the same.  (test/t/001_plans.pl shows which way ran;
-- test/specs/remove_race.spec the concurrent cases.)
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
RESET client_min_messages;
CREATE EXTENSION group_users;

SHOW group_users.direct_deletes;

INSERT INTO group_users.users (id, username)
  SELECT i, 'user' || i FROM generate_series(1, 50) i;
INSERT INTO group_users.groups (id, name)
  SELECT i, 'group' || i FROM generate_series(1, 10) i;
INSERT INTO group_users.group_users (user_id, group_id, role)
  SELECT u, g, CASE WHEN u % 5 = 0 THEN 'owner' ELSE 'member' END
    FROM generate_series(1, 50) u, generate_series(1, 10) g
   WHERE (u + g) % 3 <> 0;

-- The same removes with direct_deletes off, then on, each in a
-- subtransaction rolled back afterwards (so both start from the same rows,
-- and the direct deletes are undone like any others): single removes of
-- members and non-members, unknown ids, a group-side bulk remove, a
-- group-side set (which removes row by row), and sets of a member's and
-- of an owner's groups (each keeping, deleting and adding some).
CREATE TABLE removes_seen (way text, results text, left_rows text, left_n bigint);
GRANT ALL ON removes_seen TO PUBLIC;
CREATE FUNCTION pg_temp.removes(way text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r text;
  lr text;
  ln bigint;
BEGIN
  BEGIN
    PERFORM set_config('group_users.direct_deletes', (way = 'direct')::text, true);
    SELECT string_agg(group_users.remove_membership(u, g)::text, '' ORDER BY u, g)
      INTO r
      FROM generate_series(0, 51) u, generate_series(0, 11) g
     WHERE (u * 7 + g) % 4 = 1;
    r := r || ' ' || group_users.remove_group_members(3, ARRAY[1, 2, 3, 4, 5, 10, 99])
           || ' ' || (SELECT added || '/' || removed
                        FROM group_users.set_group_members(4, ARRAY[1, 2, 3, 40]))
           || ' ' || (SELECT added || '/' || removed
                        FROM group_users.set_user_groups(7, ARRAY[1, 2, 3]))
           || ' ' || (SELECT added || '/' || removed
                        FROM group_users.set_user_groups(10, ARRAY[2, 3, 4]));
    SELECT md5(string_agg(user_id || ':' || group_id || ':' || role, ',' ORDER BY user_id, group_id)),
           count(*)
      INTO lr, ln FROM group_users.group_users;
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'undo';
  EXCEPTION WHEN no_data_found THEN
    NULL;
  END;
  INSERT INTO removes_seen VALUES (way, r, lr, ln);
END $$;
CREATE FUNCTION pg_temp.compare(label text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
  before text;
  r text;
BEGIN
  SELECT md5(string_agg(user_id || ':' || group_id || ':' || role, ',' ORDER BY user_id, group_id))
    INTO before FROM group_users.group_users;
  DELETE FROM removes_seen;
  PERFORM pg_temp.removes('statement');
  PERFORM pg_temp.removes('direct');
  SELECT CASE WHEN count(DISTINCT (results, left_rows, left_n)) = 1
              THEN 'same results, same rows left'
              ELSE 'DIFFER: ' || string_agg(way || ' ' || results || ' ' || left_n, '; ') END
    INTO r FROM removes_seen;
  SELECT length(replace(results, 'false', '')) - length(replace(replace(results, 'false', ''), 'true', '')) INTO n
    FROM removes_seen WHERE way = 'direct';
  RETURN label || ': ' || r || ' (' || n / 4 || ' single removes true)'
         || CASE WHEN before = (SELECT md5(string_agg(user_id || ':' || group_id || ':' || role, ',' ORDER BY user_id, group_id))
                                  FROM group_users.group_users)
                 THEN '' ELSE ', NOT UNDONE' END;
END $$;

SELECT pg_temp.compare('owner');

-- an app role with table-wide grants (the README's recipe)
CREATE ROLE regress_gu_app;
GRANT USAGE ON SCHEMA group_users TO regress_gu_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA group_users TO regress_gu_app;
SET ROLE regress_gu_app;
SELECT pg_temp.compare('app role');
RESET ROLE;

-- DELETE, and SELECT on the two key columns only: the statement, which
-- the executor accepts
CREATE ROLE regress_gu_columns;
GRANT USAGE ON SCHEMA group_users TO regress_gu_columns;
GRANT SELECT (user_id, group_id), DELETE ON group_users.group_users TO regress_gu_columns;
GRANT SELECT ON group_users.users, group_users.groups TO regress_gu_columns;
SET ROLE regress_gu_columns;
BEGIN;
SELECT group_users.remove_membership(1, 1) AS removed,
       group_users.remove_membership(1, 1) AS again;
ROLLBACK;
RESET ROLE;
-- no DELETE privilege: the statement's error
REVOKE DELETE ON group_users.group_users FROM regress_gu_columns;
SET ROLE regress_gu_columns;
SELECT group_users.remove_membership(1, 1);
RESET ROLE;

-- row-level security: owners' memberships cannot be deleted by the app
ALTER TABLE group_users.group_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY see_all ON group_users.group_users FOR SELECT TO regress_gu_app USING (true);
CREATE POLICY keep_owners ON group_users.group_users FOR DELETE TO regress_gu_app
  USING (role <> 'owner');
CREATE POLICY add_any ON group_users.group_users FOR INSERT TO regress_gu_app WITH CHECK (true);
SET ROLE regress_gu_app;
BEGIN;
SELECT group_users.remove_membership(5, 2) AS owner_removed,
       group_users.remove_membership(4, 1) AS member_removed;
ROLLBACK;
SELECT pg_temp.compare('app role under RLS');
RESET ROLE;
-- the owner, to whom no policy applies
SELECT pg_temp.compare('owner, RLS enabled');
ALTER TABLE group_users.group_users DISABLE ROW LEVEL SECURITY;
DROP POLICY see_all ON group_users.group_users;
DROP POLICY keep_owners ON group_users.group_users;
DROP POLICY add_any ON group_users.group_users;

-- triggers: each kind of DELETE trigger fires, as for the statement
CREATE TABLE deletes_log (kind text, user_id bigint, group_id bigint);
CREATE FUNCTION pg_temp.log_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO deletes_log VALUES (TG_WHEN || ' ROW', OLD.user_id, OLD.group_id);
  -- a BEFORE trigger keeps user 7's memberships
  RETURN CASE WHEN TG_WHEN = 'BEFORE' AND OLD.user_id = 7 THEN NULL ELSE OLD END;
END $$;
CREATE FUNCTION pg_temp.log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO deletes_log
  SELECT TG_WHEN || ' STATEMENT', count(*), NULL FROM gone;
  RETURN NULL;
END $$;
CREATE TRIGGER before_row BEFORE DELETE ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION pg_temp.log_row();
BEGIN;
SELECT group_users.remove_membership(7, 1) AS kept, group_users.remove_membership(8, 2) AS removed;
SELECT group_users.is_member(7, 1) AS seven_still, group_users.is_member(8, 2) AS eight_still;
SELECT * FROM deletes_log ORDER BY user_id;
ROLLBACK;
SELECT pg_temp.compare('BEFORE DELETE trigger');
DROP TRIGGER before_row ON group_users.group_users;
CREATE TRIGGER after_row AFTER DELETE ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION pg_temp.log_row();
BEGIN;
SELECT group_users.remove_membership(8, 2);
SELECT * FROM deletes_log;
ROLLBACK;
DROP TRIGGER after_row ON group_users.group_users;
CREATE TRIGGER after_statement AFTER DELETE ON group_users.group_users
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.log_statement();
BEGIN;
SELECT group_users.remove_membership(8, 2), group_users.remove_membership(8, 3),
       group_users.remove_membership(8, 4) AS not_a_member;
SELECT * FROM deletes_log;
ROLLBACK;
DROP TRIGGER after_statement ON group_users.group_users;
-- a foreign key referencing the join table: its cascade runs
CREATE TABLE badges (user_id bigint, group_id bigint, badge text,
  FOREIGN KEY (user_id, group_id) REFERENCES group_users.group_users ON DELETE CASCADE);
INSERT INTO badges VALUES (8, 2, 'founder'), (8, 3, 'helper');
BEGIN;
SELECT group_users.remove_membership(8, 2);
SELECT * FROM badges;
ROLLBACK;
DROP TABLE badges;

-- a rule: DELETE of owners' memberships does nothing
CREATE RULE keep_owners AS ON DELETE TO group_users.group_users
  WHERE old.role = 'owner' DO INSTEAD NOTHING;
BEGIN;
SELECT group_users.remove_membership(5, 2) AS owner_removed,
       group_users.remove_membership(4, 1) AS member_removed;
ROLLBACK;
SELECT pg_temp.compare('rule');
DROP RULE keep_owners ON group_users.group_users;

-- a table inheriting from the join table: the DELETE statement (no ONLY)
-- deletes the child's rows too, so the direct delete steps aside
CREATE TABLE public.more_memberships () INHERITS (group_users.group_users);
INSERT INTO public.more_memberships (user_id, group_id)
  SELECT u, g FROM generate_series(0, 51) u, generate_series(0, 11) g
   WHERE (u * 7 + g) % 4 = 1 AND u % 3 = 0;
SELECT pg_temp.compare('inheriting table');
BEGIN;
SELECT group_users.remove_membership(3, 4) AS removed;
SELECT count(*) AS left_in_child FROM public.more_memberships WHERE user_id = 3 AND group_id = 4;
ROLLBACK;
DROP TABLE public.more_memberships;
-- the parent is marked as having children until an ANALYZE of it
-- finds none: the direct delete is back after it
ANALYZE group_users.group_users;

-- published deletes without a replica identity: the executor's error,
-- for the direct delete as for the statement
SET client_min_messages = error;   -- wal_level is not logical here
CREATE PUBLICATION regress_gu_pub FOR TABLE group_users.group_users WITH (publish = 'delete');
RESET client_min_messages;
ALTER TABLE group_users.group_users REPLICA IDENTITY NOTHING;
\set VERBOSITY sqlstate
SELECT group_users.remove_membership(8, 2);
SET group_users.direct_deletes = off;
SELECT group_users.remove_membership(8, 2);
RESET group_users.direct_deletes;
DELETE FROM group_users.group_users WHERE user_id = 8 AND group_id = 2;
\set VERBOSITY default
SELECT group_users.remove_membership(8, 2);
ALTER TABLE group_users.group_users REPLICA IDENTITY DEFAULT;
DROP PUBLICATION regress_gu_pub;

-- in a read-only transaction: 25006, before anything is looked at
BEGIN READ ONLY;
SELECT group_users.remove_membership(8, 2);
ROLLBACK;

-- in a savepoint rolled back, and twice in one statement
BEGIN;
SAVEPOINT s;
SELECT group_users.remove_membership(8, 2);
ROLLBACK TO s;
SELECT group_users.is_member(8, 2) AS back;
SELECT group_users.remove_membership(8, 2) AS first, group_users.remove_membership(8, 2) AS second;
SELECT group_users.is_member(8, 2) AS still;
ROLLBACK;

-- what the statements saw: the counts of deleted tuples are the same (the
-- transaction's own counts: nothing to flush)
BEGIN;
SELECT pg_stat_get_xact_tuples_deleted('group_users.group_users'::regclass)
  AS n_tup_del_0 \gset
SELECT group_users.remove_membership(8, 2), group_users.remove_membership(8, 3);
SET LOCAL group_users.direct_deletes = off;
SELECT group_users.remove_membership(7, 1), group_users.remove_membership(7, 3);
SELECT pg_stat_get_xact_tuples_deleted('group_users.group_users'::regclass)
  - :n_tup_del_0 AS deleted;
COMMIT;

DROP TABLE removes_seen, deletes_log;
DROP OWNED BY regress_gu_app, regress_gu_columns;
DROP ROLE regress_gu_app;
DROP ROLE regress_gu_columns;
