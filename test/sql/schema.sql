-- What CREATE EXTENSION installs, and how it refuses to install.

-- a schema of that name already there: CREATE EXTENSION fails cleanly
-- (18 adds where in the script: not shown)
CREATE SCHEMA group_users;
\set SHOW_CONTEXT never
CREATE EXTENSION group_users;
\set SHOW_CONTEXT errors
DROP SCHEMA group_users;

-- the extension is not relocatable and lives in its own schema
CREATE SCHEMA elsewhere;
CREATE EXTENSION group_users SCHEMA elsewhere;
DROP SCHEMA elsewhere;

CREATE EXTENSION group_users;
SELECT extname, extversion, extrelocatable FROM pg_extension WHERE extname = 'group_users';
ALTER EXTENSION group_users SET SCHEMA public;

-- every member object
SELECT pg_describe_object(classid, objid, objsubid) AS member
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'group_users')
   -- not the tables' row types and their arrays, members from PostgreSQL 17 on
   AND NOT (classid = 'pg_type'::regclass AND objid IN
            (SELECT t.oid FROM pg_type t JOIN pg_class c ON c.reltype IN (t.oid, t.typelem)
              WHERE c.relkind = 'r'))
 ORDER BY 1;

-- tables, columns, keys, constraints and indexes
\d group_users.users
\d group_users.groups
\d group_users.group_users

-- rows and sequences are kept by pg_dump
SELECT c.relname, c.relkind
  FROM pg_extension e, unnest(e.extconfig) AS cfg(oid)
  JOIN pg_class c ON c.oid = cfg.oid
 WHERE e.extname = 'group_users'
 ORDER BY 1;

-- function attributes: volatility, parallel safety, strictness, invoker rights
SELECT p.oid::regprocedure AS function, p.provolatile AS vol,
       p.proparallel AS par, p.proisstrict AS strict, p.prosecdef AS definer,
       pg_get_function_result(p.oid) AS result,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.pronamespace = 'group_users'::regnamespace
 ORDER BY p.proname;

-- DROP EXTENSION takes the schema and its tables with it
INSERT INTO group_users.users (username) VALUES ('kept?');
DROP EXTENSION group_users;
SELECT count(*) FROM pg_namespace WHERE nspname = 'group_users';
CREATE EXTENSION group_users;
SELECT count(*) FROM group_users.users;
