-- add_membership, and the adds of the bulk writes that go row by row,
-- insert directly (the executor's pieces, no SPI statement, and no
-- statement for the foreign keys' checks) when the INSERT ... ON CONFLICT
-- DO NOTHING would do nothing more, and run their statements otherwise:
-- above READ COMMITTED, an INSERT trigger or rule, row-level security,
-- privileges that are not table-wide, foreign keys or indexes that are not
-- the extension's, generated columns, or group_users.direct_inserts = off.
-- Either way the results, the rows left (defaults and timestamps
-- included) and the errors (SQLSTATE, message, detail, hint and the
-- constraint fields) are the same.  (test/t/001_plans.pl shows which way
-- ran; test/specs/add_membership_race.spec the concurrent cases.)
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
RESET client_min_messages;
CREATE EXTENSION group_users;
SET TimeZone = 'UTC';

SHOW group_users.direct_inserts;

INSERT INTO group_users.users (id, username)
  SELECT i, 'user' || i FROM generate_series(1, 50) i;
INSERT INTO group_users.groups (id, name)
  SELECT i, 'group' || i FROM generate_series(1, 10) i;
INSERT INTO group_users.group_users (user_id, group_id, role)
  SELECT u, g, CASE WHEN u % 5 = 0 THEN 'owner' ELSE 'member' END
    FROM generate_series(1, 50) u, generate_series(1, 10) g
   WHERE (u + g) % 3 = 0;

-- The same adds with direct_inserts off, then on, each in a subtransaction
-- rolled back afterwards (so both start from the same rows): single adds
-- of new pairs, of existing ones with the same and with another role, of
-- unknown users and groups (0, 51, 11), the group-side bulk writes (row by
-- row) and the user-side ones (row by row when direct).  Each call's error
-- is caught and kept with all its fields.
CREATE TABLE adds_seen (way text, results text, left_rows text, left_n bigint);
GRANT ALL ON adds_seen TO PUBLIC;
-- every column of every row, whoever compares
CREATE FUNCTION public.memberships_now(OUT rows_md5 text, OUT n bigint)
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
  SELECT md5(string_agg(format('%s', m), ',' ORDER BY user_id, group_id)), count(*)
    FROM group_users.group_users m
$$;
CREATE FUNCTION pg_temp.try(call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text;
  msg text; det text; hnt text; con text; tab text; sch text;
BEGIN
  EXECUTE 'SELECT (' || call || ')::text' INTO r;
  RETURN r;
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
    hnt = PG_EXCEPTION_HINT, con = CONSTRAINT_NAME, tab = TABLE_NAME,
    sch = SCHEMA_NAME;
  RETURN format('E%s %s|%s|%s|%s|%s|%s', SQLSTATE, msg, det, hnt, con, tab, sch);
END $$;
CREATE FUNCTION pg_temp.adds(way text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r text;
  lr text;
  ln bigint;
BEGIN
  BEGIN
    PERFORM set_config('group_users.direct_inserts', (way = 'direct')::text, true);
    SELECT string_agg(pg_temp.try(format('group_users.add_membership(%s, %s, %L)', u, g,
                        (ARRAY['member', 'owner', 'admin'])[1 + (u * g) % 3])),
                      ',' ORDER BY u, g)
      INTO r
      FROM generate_series(0, 51) u, generate_series(0, 11) g
     WHERE (u * 7 + g) % 4 = 1;
    r := r || ' ' || concat_ws(' ',
      pg_temp.try('group_users.add_group_members(3, ARRAY[1, 2, 3, 4, 5, 10, 40])'),
      pg_temp.try('group_users.add_group_members(4, ARRAY[1, 2, 40], ''admin'')'),
      pg_temp.try('group_users.add_group_members(4, ARRAY[1, 99])'),
      pg_temp.try('(SELECT added || ''/'' || removed FROM group_users.set_group_members(5, ARRAY[1, 2, 3, 41]))'),
      pg_temp.try('group_users.add_memberships(7, ARRAY[1, 2, 3, 9], ''owner'')'),
      pg_temp.try('group_users.add_memberships(8, ARRAY[1, 11])'),
      pg_temp.try('(SELECT added || ''/'' || removed FROM group_users.set_user_groups(9, ARRAY[1, 5, 6, 10]))'),
      pg_temp.try('group_users.add_memberships(51, ARRAY[1, 2])'));
    SELECT * INTO lr, ln FROM public.memberships_now();
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'undo';
  EXCEPTION WHEN no_data_found THEN
    NULL;
  END;
  INSERT INTO adds_seen VALUES (way, r, lr, ln);
END $$;
CREATE FUNCTION pg_temp.compare(label text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text;
  n bigint;
  e bigint;
BEGIN
  DELETE FROM adds_seen;
  PERFORM pg_temp.adds('statement');
  PERFORM pg_temp.adds('direct');
  SELECT CASE WHEN count(DISTINCT (results, left_rows, left_n)) = 1
              THEN 'same results, same rows left'
              ELSE 'DIFFER: ' || string_agg(way || ' ' || left_n || ' ' || results, E'\n' ORDER BY way) END
    INTO r FROM adds_seen;
  SELECT (length(results) - length(replace(results, 'true', ''))) / 4,
         (length(results) - length(replace(results, 'E2', ''))) / 2
    INTO n, e FROM adds_seen WHERE way = 'direct';
  RETURN format('%s: %s (%s added, %s errors)', label, r, n, e);
END $$;

SELECT pg_temp.compare('owner');

-- what the errors are, direct: a missing user, group, or both (the
-- checks fire in their triggers' order: the user's first)
SELECT pg_temp.try('group_users.add_membership(51, 1)') AS missing_user
UNION ALL SELECT pg_temp.try('group_users.add_membership(1, 11)')
UNION ALL SELECT pg_temp.try('group_users.add_membership(51, 11)');

-- the user and group are found by their remembered TIDs when they can
-- be (group_users.tid_cache): after a new version of the user, its
-- delete, and a new row of the same id, the add still finds what a new
-- snapshot sees
BEGIN;
SELECT group_users.add_membership(20, 2) AS first_seen;
UPDATE group_users.users SET username = 'renamed20' WHERE id = 20;
SELECT group_users.add_membership(20, 3) AS after_update;
DELETE FROM group_users.users WHERE id = 20;
SELECT pg_temp.try('group_users.add_membership(20, 4)') AS after_delete;
INSERT INTO group_users.users (id, username) VALUES (20, 'again20');
SELECT group_users.add_membership(20, 4) AS new_row;
SELECT user_id, group_id FROM group_users.group_users WHERE user_id = 20;
ROLLBACK;

-- an app role with table-wide grants (the README's recipe)
CREATE ROLE regress_gu_app;
GRANT USAGE ON SCHEMA group_users TO regress_gu_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA group_users TO regress_gu_app;
SET ROLE regress_gu_app;
SELECT pg_temp.compare('app role');
RESET ROLE;

-- INSERT and SELECT on some columns only: the statement, which the
-- executor accepts; without INSERT, its error
CREATE ROLE regress_gu_columns;
GRANT USAGE ON SCHEMA group_users TO regress_gu_columns;
GRANT SELECT (user_id, group_id, role), INSERT (user_id, group_id, role),
      UPDATE (role, updated_at)
  ON group_users.group_users TO regress_gu_columns;
GRANT SELECT ON group_users.users, group_users.groups TO regress_gu_columns;
SET ROLE regress_gu_columns;
SELECT pg_temp.compare('column grants');
RESET ROLE;
REVOKE INSERT ON group_users.group_users FROM regress_gu_columns;
SET ROLE regress_gu_columns;
SELECT pg_temp.compare('no INSERT');
RESET ROLE;

-- row-level security: the app may not add owners
ALTER TABLE group_users.group_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY see_all ON group_users.group_users FOR SELECT TO regress_gu_app USING (true);
CREATE POLICY no_owners ON group_users.group_users FOR INSERT TO regress_gu_app
  WITH CHECK (role <> 'owner');
CREATE POLICY change_any ON group_users.group_users FOR UPDATE TO regress_gu_app
  USING (true);
SET ROLE regress_gu_app;
SELECT pg_temp.compare('app role under RLS');
RESET ROLE;
SELECT pg_temp.compare('owner, RLS enabled');
ALTER TABLE group_users.group_users DISABLE ROW LEVEL SECURITY;
DROP POLICY see_all ON group_users.group_users;
DROP POLICY no_owners ON group_users.group_users;
DROP POLICY change_any ON group_users.group_users;

-- INSERT triggers fire, as for the statement
CREATE TABLE inserts_log (kind text, user_id bigint, group_id bigint, role text);
GRANT ALL ON inserts_log TO PUBLIC;
CREATE FUNCTION pg_temp.log_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inserts_log VALUES (TG_WHEN || ' ROW', NEW.user_id, NEW.group_id, NEW.role);
  IF TG_WHEN = 'BEFORE' THEN
    NEW.role := upper(NEW.role);
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION pg_temp.log_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inserts_log SELECT TG_WHEN || ' STATEMENT', count(*), NULL, NULL FROM added;
  RETURN NULL;
END $$;
CREATE TRIGGER before_row BEFORE INSERT ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION pg_temp.log_row();
SELECT pg_temp.compare('BEFORE INSERT trigger');
BEGIN;
SELECT group_users.add_membership(1, 1, 'admin');
SELECT * FROM inserts_log;
SELECT role FROM group_users.group_users WHERE user_id = 1 AND group_id = 1;
ROLLBACK;
DROP TRIGGER before_row ON group_users.group_users;
CREATE TRIGGER after_statement AFTER INSERT ON group_users.group_users
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.log_statement();
BEGIN;
SELECT group_users.add_membership(1, 1), group_users.add_membership(1, 2) AS already;
SELECT * FROM inserts_log;
ROLLBACK;
DROP TRIGGER after_statement ON group_users.group_users;
-- disabled: the trigger does not fire, and the add is direct again
CREATE TRIGGER after_row AFTER INSERT ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION pg_temp.log_row();
ALTER TABLE group_users.group_users DISABLE TRIGGER after_row;
SELECT pg_temp.compare('a disabled trigger');
SELECT count(*) AS logged FROM inserts_log;
DROP TRIGGER after_row ON group_users.group_users;

-- the foreign keys' checks off (ALTER TABLE ... DISABLE TRIGGER ALL, or a
-- replica's session_replication_role): the statement, which then adds
-- memberships of unknown users
ALTER TABLE group_users.group_users DISABLE TRIGGER ALL;
SELECT pg_temp.compare('checks disabled');
ALTER TABLE group_users.group_users ENABLE TRIGGER ALL;
SET session_replication_role = replica;
SELECT pg_temp.compare('session_replication_role = replica');
RESET session_replication_role;

-- foreign keys that are not the extension's: renamed, deferrable, or a
-- third one
ALTER TABLE group_users.group_users
  RENAME CONSTRAINT group_users_user_id_fkey TO memberships_user_fkey;
SELECT pg_temp.compare('a renamed foreign key');
ALTER TABLE group_users.group_users
  RENAME CONSTRAINT memberships_user_fkey TO group_users_user_id_fkey;
ALTER TABLE group_users.group_users
  ALTER CONSTRAINT group_users_group_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
SELECT pg_temp.compare('a deferrable foreign key');
ALTER TABLE group_users.group_users
  ALTER CONSTRAINT group_users_group_id_fkey NOT DEFERRABLE;
CREATE TABLE public.roles (role text PRIMARY KEY);
INSERT INTO public.roles VALUES ('member'), ('admin'), ('owner');
ALTER TABLE group_users.group_users
  ADD CONSTRAINT known_role FOREIGN KEY (role) REFERENCES public.roles;
SELECT pg_temp.compare('a third foreign key');
ALTER TABLE group_users.group_users DROP CONSTRAINT known_role;
DROP TABLE public.roles;

-- a CHECK constraint, a column with a default and one NOT NULL without:
-- the direct add checks them and fills the default, as the statement
ALTER TABLE group_users.group_users
  ADD CONSTRAINT not_thirteen CHECK (user_id <> 13 OR group_id <> 6);
ALTER TABLE group_users.group_users ADD COLUMN note text DEFAULT 'by ' || current_user;
SELECT pg_temp.compare('a CHECK constraint and a default');
BEGIN;
SELECT group_users.add_membership(12, 1);
SELECT note FROM group_users.group_users WHERE user_id = 12 AND group_id = 1;
\set VERBOSITY terse
SELECT group_users.add_membership(13, 6);
\set VERBOSITY default
ROLLBACK;
ALTER TABLE group_users.group_users ADD COLUMN must text NOT NULL DEFAULT 'x';
ALTER TABLE group_users.group_users ALTER COLUMN must DROP DEFAULT;
SELECT pg_temp.compare('a NOT NULL column without default');
\set VERBOSITY terse
SELECT group_users.add_membership(12, 1);
\set VERBOSITY default
ALTER TABLE group_users.group_users DROP COLUMN must, DROP COLUMN note,
  DROP CONSTRAINT not_thirteen;
-- a default through a function the planner folds into a constant: the
-- direct add keeps its defaults planned, and a new version of the
-- function is the next add's default, as for the statement
CREATE FUNCTION public.note_default() RETURNS text IMMUTABLE LANGUAGE sql
  AS $$ SELECT 'one' $$;
ALTER TABLE group_users.group_users ADD COLUMN note text DEFAULT public.note_default();
BEGIN;
SELECT group_users.add_membership(12, 1);
CREATE OR REPLACE FUNCTION public.note_default() RETURNS text IMMUTABLE LANGUAGE sql
  AS $$ SELECT 'two' $$;
SELECT group_users.add_membership(16, 1);
SET LOCAL group_users.direct_inserts = off;
SELECT group_users.add_membership(18, 1) AS by_statement;
SELECT user_id, note FROM group_users.group_users
 WHERE group_id = 1 AND user_id IN (12, 16, 18) ORDER BY 1;
ROLLBACK;
ALTER TABLE group_users.group_users DROP COLUMN note;
DROP FUNCTION public.note_default();
-- The same for a CHECK: the direct add keeps the CHECKs planned (the
-- planner inlines the function), and checks the next add against the
-- function's new version, or against a CHECK added or dropped meanwhile
CREATE FUNCTION public.role_allowed(text) RETURNS boolean IMMUTABLE
  LANGUAGE sql AS $$ SELECT $1 <> 'admin' $$;
ALTER TABLE group_users.group_users
  ADD CONSTRAINT role_allowed CHECK (public.role_allowed(role));
SELECT pg_temp.compare('a CHECK through an inlined function');
\set VERBOSITY terse
SELECT group_users.add_membership(12, 1, 'admin');
\set VERBOSITY default
CREATE OR REPLACE FUNCTION public.role_allowed(text) RETURNS boolean IMMUTABLE
  LANGUAGE sql AS $$ SELECT $1 <> 'muted' $$;
BEGIN;
SELECT group_users.add_membership(12, 1, 'admin');
\set VERBOSITY terse
SAVEPOINT s;
SELECT group_users.add_membership(16, 1, 'muted');
ROLLBACK TO s;
ALTER TABLE group_users.group_users
  ADD CONSTRAINT not_sixteen CHECK (user_id <> 16) NOT VALID;
SELECT group_users.add_membership(16, 1);
ROLLBACK TO s;
ALTER TABLE group_users.group_users DROP CONSTRAINT role_allowed;
SELECT group_users.add_membership(16, 1, 'muted');
\set VERBOSITY default
ROLLBACK;
ALTER TABLE group_users.group_users DROP CONSTRAINT role_allowed;
DROP FUNCTION public.role_allowed(text);
-- From 18 on, a CHECK can be NOT ENFORCED: its entry in the planned CHECKs
-- stays empty, and an enforced one after it (the relcache orders them by
-- name) is still checked; the same outcome as above on every version
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 180000 THEN
    EXECUTE 'ALTER TABLE group_users.group_users ADD CONSTRAINT a_unenforced '
            'CHECK (role <> ''owner'') NOT ENFORCED';
  END IF;
END $$;
ALTER TABLE group_users.group_users
  ADD CONSTRAINT b_not_admin CHECK (role <> 'admin');
SELECT pg_temp.compare('a CHECK not enforced (18), then an enforced one');
ALTER TABLE group_users.group_users DROP CONSTRAINT b_not_admin;
SET client_min_messages = warning;
ALTER TABLE group_users.group_users DROP CONSTRAINT IF EXISTS a_unenforced;
RESET client_min_messages;
-- Between two adds of one call, what runs in between may delete the user
-- or group the first add locked: a trigger of the UPDATE that gives an
-- existing member the role, or a volatile default.  The next add then
-- gives the statement's 23503, not a membership of nothing (so an add may
-- not simply trust the lock the one before took).
CREATE FUNCTION public.drop_group_4() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM group_users.groups WHERE id = 4;
  RETURN NULL;
END $$;
CREATE TRIGGER role_drops_group AFTER UPDATE ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION public.drop_group_4();
\set VERBOSITY terse
BEGIN;
SELECT group_users.add_group_members(4, ARRAY[1, 2, 40], 'admin');
ROLLBACK;
BEGIN;
SET LOCAL group_users.direct_inserts = off;
SELECT group_users.add_group_members(4, ARRAY[1, 2, 40], 'admin') AS by_statement;
ROLLBACK;
\set VERBOSITY default
DROP TRIGGER role_drops_group ON group_users.group_users;
DROP FUNCTION public.drop_group_4();
-- the second call of the default deletes what public.doomed names
CREATE TABLE public.doomed (kind text, id bigint);
CREATE SEQUENCE public.default_calls;
CREATE FUNCTION public.mark_default() RETURNS int VOLATILE LANGUAGE plpgsql AS $$
BEGIN
  IF nextval('public.default_calls') = 2 THEN
    DELETE FROM group_users.groups WHERE id IN (SELECT id FROM public.doomed WHERE kind = 'group');
    DELETE FROM group_users.users WHERE id IN (SELECT id FROM public.doomed WHERE kind = 'user');
  END IF;
  RETURN 0;
END $$;
ALTER TABLE group_users.group_users ADD COLUMN mark int DEFAULT public.mark_default();
\set VERBOSITY terse
BEGIN;
INSERT INTO public.doomed VALUES ('group', 3);
SELECT setval('public.default_calls', 1, false);
SELECT group_users.add_group_members(3, ARRAY[1, 2, 4]);
ROLLBACK;
BEGIN;
INSERT INTO public.doomed VALUES ('group', 3);
SELECT setval('public.default_calls', 1, false);
SET LOCAL group_users.direct_inserts = off;
SELECT group_users.add_group_members(3, ARRAY[1, 2, 4]) AS by_statement;
ROLLBACK;
BEGIN;
INSERT INTO public.doomed VALUES ('user', 7);
SELECT setval('public.default_calls', 1, false);
SELECT * FROM group_users.add_memberships(7, ARRAY[1, 2, 4]);
ROLLBACK;
BEGIN;
INSERT INTO public.doomed VALUES ('user', 7);
SELECT setval('public.default_calls', 1, false);
SET LOCAL group_users.direct_inserts = off;
SELECT * FROM group_users.add_memberships(7, ARRAY[1, 2, 4]) AS by_statement;
ROLLBACK;
\set VERBOSITY default
ALTER TABLE group_users.group_users DROP COLUMN mark;
DROP FUNCTION public.mark_default();
DROP SEQUENCE public.default_calls;
DROP TABLE public.doomed;
-- an identity column: a new value each row, as the statement
ALTER TABLE group_users.group_users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;
BEGIN;
SELECT group_users.add_membership(12, 1), group_users.add_group_members(2, ARRAY[12, 14]);
SELECT user_id, group_id, n > 0 AS numbered,
       count(*) OVER (PARTITION BY n) = 1 AS distinct_n
  FROM group_users.group_users WHERE user_id IN (12, 14) AND group_id IN (1, 2)
 ORDER BY 1, 2;
ROLLBACK;
ALTER TABLE group_users.group_users DROP COLUMN n;
-- a generated column: the statement
ALTER TABLE group_users.group_users
  ADD COLUMN pair text GENERATED ALWAYS AS (user_id || '/' || group_id) STORED;
SELECT pg_temp.compare('a generated column');
ALTER TABLE group_users.group_users DROP COLUMN pair;

-- another unique index on the pair (ON CONFLICT would infer it too), and
-- a rule: the statement
CREATE UNIQUE INDEX pair_again ON group_users.group_users (group_id, user_id);
SELECT pg_temp.compare('a second unique index');
DROP INDEX group_users.pair_again;
CREATE RULE no_owners AS ON INSERT TO group_users.group_users
  WHERE new.role = 'owner' DO INSTEAD NOTHING;
SELECT pg_temp.compare('a rule');
DROP RULE no_owners ON group_users.group_users;

-- a table inheriting from the join table (the statement; the reads step
-- aside until an ANALYZE, see direct_remove.sql)
CREATE TABLE public.more_memberships () INHERITS (group_users.group_users);
SELECT pg_temp.compare('inheriting table');
DROP TABLE public.more_memberships;
ANALYZE group_users.group_users;

-- above READ COMMITTED: the statement
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.compare('REPEATABLE READ');
COMMIT;

-- in a read-only transaction: 25006, before anything is looked at
BEGIN READ ONLY;
SELECT group_users.add_membership(1, 1);
ROLLBACK;

-- twice in one statement, in a savepoint rolled back, and seen by the
-- reads of the same transaction
BEGIN;
SELECT group_users.add_membership(1, 1) AS first, group_users.add_membership(1, 1) AS second;
SAVEPOINT s;
SELECT group_users.add_membership(1, 4);
ROLLBACK TO s;
SELECT group_users.is_member(1, 1) AS one, group_users.is_member(1, 4) AS four;
SELECT id FROM group_users.user_groups(1) ORDER BY 1;
ROLLBACK;

-- what the statements saw: the counts of inserted tuples are the same
-- (the transaction's own counts: nothing to flush)
BEGIN;
SELECT pg_stat_get_xact_tuples_inserted('group_users.group_users'::regclass)
  AS n_tup_ins_0 \gset
SELECT group_users.add_membership(1, 1), group_users.add_membership(1, 4),
       group_users.add_membership(1, 4) AS again;
SET LOCAL group_users.direct_inserts = off;
SELECT group_users.add_membership(2, 1), group_users.add_membership(2, 2),
       group_users.add_membership(2, 2) AS again;
SELECT pg_stat_get_xact_tuples_inserted('group_users.group_users'::regclass)
  - :n_tup_ins_0 AS inserted;
COMMIT;

DROP TABLE adds_seen, inserts_log;
DROP FUNCTION public.memberships_now();
DROP OWNED BY regress_gu_app, regress_gu_columns;
DROP ROLE regress_gu_app;
DROP ROLE regress_gu_columns;
