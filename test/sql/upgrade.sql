-- ALTER EXTENSION group_users UPDATE from 1.0 (through 1.1) keeps every
-- row and gives exactly the objects of a fresh install of the default
-- version, and the same indexes and constraints.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'group_users';

-- data made under 1.0
INSERT INTO group_users.users (username, email) VALUES ('ozmic', 'a@b.c'), ('bob', NULL);
INSERT INTO group_users.groups (name) VALUES ('Andela'), ('Post-it');
SELECT group_users.add_membership(1, 1), group_users.add_membership(1, 2, 'admin'),
       group_users.add_membership(2, 2);
CREATE TEMP TABLE rows_before AS
  SELECT 'users' AS t, row_to_json(u)::text AS r FROM group_users.users u
  UNION ALL SELECT 'groups', row_to_json(g)::text FROM group_users.groups g
  UNION ALL SELECT 'group_users', row_to_json(m)::text FROM group_users.group_users m
  UNION ALL SELECT 'json', group_users.user_with_groups(1)::text;

-- what defines an extension's objects: members, function definitions,
-- comments, config-dump registrations; and its tables' indexes and
-- constraints, which are not members
CREATE TEMP VIEW extension_objects AS
  SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS object,
         CASE WHEN d.classid = 'pg_proc'::regclass
              THEN pg_get_functiondef(d.objid) END AS definition,
         obj_description(d.objid, (SELECT relname FROM pg_class WHERE oid = d.classid)) AS comment
    FROM pg_depend d
   WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
     AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'group_users')
     -- not the tables' row types and their arrays, members from PostgreSQL 17 on
     AND NOT (d.classid = 'pg_type'::regclass AND d.objid IN
              (SELECT t.oid FROM pg_type t JOIN pg_class c ON c.reltype IN (t.oid, t.typelem)
                WHERE c.relkind = 'r'))
  UNION ALL
  SELECT 'config ' || cfg::regclass::text, NULL, NULL
    FROM pg_extension e, unnest(e.extconfig) cfg WHERE e.extname = 'group_users'
  UNION ALL
  SELECT 'index ' || indexname, indexdef, NULL FROM pg_indexes WHERE schemaname = 'group_users'
  UNION ALL
  -- (not the NOT NULL constraints, which 18 lists there too)
  SELECT 'constraint ' || conname || ' on ' || conrelid::regclass::text, pg_get_constraintdef(oid), NULL
    FROM pg_constraint
   WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'group_users')
     AND contype <> 'n';

ALTER EXTENSION group_users UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'group_users';

-- every row unchanged
CREATE TEMP TABLE rows_after AS
  SELECT 'users' AS t, row_to_json(u)::text AS r FROM group_users.users u
  UNION ALL SELECT 'groups', row_to_json(g)::text FROM group_users.groups g
  UNION ALL SELECT 'group_users', row_to_json(m)::text FROM group_users.group_users m
  UNION ALL SELECT 'json', group_users.user_with_groups(1)::text;
SELECT (SELECT count(*) FROM rows_before) AS rows,
       (SELECT count(*) FROM (SELECT * FROM rows_before EXCEPT SELECT * FROM rows_after) a) AS lost,
       (SELECT count(*) FROM (SELECT * FROM rows_after EXCEPT SELECT * FROM rows_before) b) AS new;
-- and the functions of 1.1 work on them
SELECT group_users.count_user_groups(1), * FROM group_users.set_user_groups(2, '{1,2}');

CREATE TEMP TABLE upgraded AS SELECT * FROM extension_objects;
DROP EXTENSION group_users;
CREATE EXTENSION group_users;
SELECT extversion FROM pg_extension WHERE extname = 'group_users';
CREATE TEMP TABLE fresh AS SELECT * FROM extension_objects;

-- the two are the same, object for object
SELECT 'only after update' AS side, object FROM (SELECT * FROM upgraded EXCEPT SELECT * FROM fresh) a
UNION ALL
SELECT 'only in fresh install', object FROM (SELECT * FROM fresh EXCEPT SELECT * FROM upgraded) b;
SELECT count(*) FILTER (WHERE object NOT LIKE 'index %' AND object NOT LIKE 'constraint %') AS objects,
       count(*) FILTER (WHERE object LIKE 'function %') AS functions,
       count(comment) AS commented,
       count(*) FILTER (WHERE object LIKE 'index %') AS indexes,
       count(*) FILTER (WHERE object LIKE 'constraint %') AS constraints
  FROM fresh;
-- every function has a comment
SELECT object FROM fresh WHERE object LIKE 'function %' AND comment IS NULL;

-- 1.1 -> 1.2 puts the membership's columns into the group index, and so
-- bounds a role at 255 characters (an index entry must fit in a third of
-- a page): a longer role already there stops the update, which leaves 1.1
-- as it was, until the role is shortened
DROP EXTENSION group_users;
CREATE EXTENSION group_users VERSION '1.1';
INSERT INTO group_users.users (username) VALUES ('ozmic');
INSERT INTO group_users.groups (name) VALUES ('Andela');
SELECT group_users.add_membership(1, 1, repeat('r', 300));
\set VERBOSITY terse
ALTER EXTENSION group_users UPDATE TO '1.2';
\set VERBOSITY default
SELECT extversion FROM pg_extension WHERE extname = 'group_users';
SELECT indexdef FROM pg_indexes WHERE indexname = 'group_users_group_id_user_id_idx';
UPDATE group_users.group_users SET role = left(role, 255);
ALTER EXTENSION group_users UPDATE TO '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'group_users';
SELECT indexdef FROM pg_indexes WHERE indexname = 'group_users_group_id_user_id_idx';
SELECT length(group_users.group_with_users(1) #>> '{users,0,GroupUsers,role}') AS role_length;

-- 1.2 -> 1.3 rebuilds the primary key with the membership's columns
-- (INCLUDE): a foreign key of another table referencing the key stops the
-- update, which leaves 1.2 as it was, until that foreign key is dropped
DROP EXTENSION group_users;
CREATE EXTENSION group_users VERSION '1.2';
INSERT INTO group_users.users (username) VALUES ('ozmic');
INSERT INTO group_users.groups (name) VALUES ('Andela'), ('Post-it');
SELECT group_users.add_membership(1, 1, 'admin');
CREATE TABLE public.membership_notes (user_id bigint, group_id bigint, note text,
  FOREIGN KEY (user_id, group_id) REFERENCES group_users.group_users);
\set VERBOSITY terse
ALTER EXTENSION group_users UPDATE TO '1.3';
\set VERBOSITY default
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT extversion FROM pg_extension WHERE extname = 'group_users';
SELECT indexdef FROM pg_indexes WHERE indexname = 'group_users_pkey';
DROP TABLE public.membership_notes;
ALTER EXTENSION group_users UPDATE TO '1.3';
SELECT extversion FROM pg_extension WHERE extname = 'group_users';
SELECT indexdef FROM pg_indexes WHERE indexname = 'group_users_pkey';
-- still the key of the memberships, and the arbiter of the adds
SELECT group_users.add_membership(1, 1), group_users.add_membership(1, 2);
\set VERBOSITY terse
INSERT INTO group_users.group_users (user_id, group_id) VALUES (1, 2);
\set VERBOSITY default
SELECT user_id, group_id, role FROM group_users.group_users ORDER BY 1, 2;
