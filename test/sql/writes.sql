-- add_membership and remove_membership: results, roles, errors, cascades.
DROP EXTENSION IF EXISTS group_users CASCADE;
CREATE EXTENSION group_users;
\set VERBOSITY default

INSERT INTO group_users.users (username) VALUES ('ozmic'), ('bob');
INSERT INTO group_users.groups (name) VALUES ('Andela'), ('Post-it');

-- created once, then false; the default role is 'member'
SELECT group_users.add_membership(1, 1);
SELECT group_users.add_membership(1, 1);
SELECT group_users.add_membership(1, 2, 'admin');
SELECT user_id, group_id, role FROM group_users.group_users ORDER BY 1, 2;

-- an existing membership given a different role: false, role and
-- updated_at changed (as Sequelize's addGroup with through attributes)
UPDATE group_users.group_users SET updated_at = '2000-01-01' WHERE user_id = 1;
SELECT group_users.add_membership(1, 1, 'admin');
SELECT role, updated_at > '2000-01-01' AS touched, created_at <= updated_at AS ordered
  FROM group_users.group_users WHERE (user_id, group_id) = (1, 1);
-- the same role again: false, nothing written
SELECT group_users.add_membership(1, 2, 'admin');
SELECT role, updated_at = '2000-01-01' AS untouched
  FROM group_users.group_users WHERE (user_id, group_id) = (1, 2);
-- the default role is 'member', so leaving it out sets 'member' back
SELECT group_users.add_membership(1, 1);
SELECT role FROM group_users.group_users WHERE (user_id, group_id) = (1, 1);

-- remove: true once, then false; unknown pairs are false
SELECT group_users.remove_membership(1, 2);
SELECT group_users.remove_membership(1, 2);
SELECT group_users.remove_membership(999, 999);
SELECT group_users.is_member(1, 2), group_users.is_member(1, 1);

-- unknown user or group: 23503 naming it, nothing written
SELECT group_users.add_membership(42, 1);
SELECT group_users.add_membership(1, 42);
SELECT group_users.add_membership(0, 1);
SELECT group_users.add_membership(-7, -8);
SELECT count(*) FROM group_users.group_users;

-- NULL ids and roles: 22004 naming the argument
SELECT group_users.add_membership(NULL, 1);
SELECT group_users.add_membership(1, NULL);
SELECT group_users.add_membership(1, 1, NULL);
SELECT group_users.remove_membership(NULL, 1);
SELECT group_users.remove_membership(1, NULL);
-- an empty role: 22023
SELECT group_users.add_membership(1, 1, '');
-- the table refuses an empty role too
\set VERBOSITY terse
INSERT INTO group_users.group_users (user_id, group_id, role) VALUES (2, 1, '');
\set VERBOSITY default
-- roles are free text otherwise
SELECT group_users.add_membership(2, 1, 'Très "special" \ rôle');
SELECT role FROM group_users.group_users WHERE (user_id, group_id) = (2, 1);

-- the SQLSTATEs, as a client sees them
DO $$
DECLARE
  calls text[] := ARRAY[
    'SELECT group_users.add_membership(42, 1)',
    'SELECT group_users.add_membership(1, 42)',
    'SELECT group_users.add_membership(NULL, 1)',
    'SELECT group_users.add_membership(1, NULL)',
    'SELECT group_users.add_membership(1, 1, NULL)',
    'SELECT group_users.add_membership(1, 1, '''')',
    'SELECT group_users.remove_membership(NULL, NULL)',
    'SELECT * FROM group_users.user_groups(1, NULL, -1)',
    'SELECT * FROM group_users.group_members(1, NULL, -1)'];
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

-- the write happens in the caller's transaction
BEGIN;
SELECT group_users.add_membership(2, 2);
ROLLBACK;
SELECT group_users.is_member(2, 2);

-- a read-only transaction (as on a hot standby): reads work, writes 25006
BEGIN READ ONLY;
SELECT group_users.is_member(1, 1);
SELECT group_users.add_membership(2, 2);
ROLLBACK;
BEGIN READ ONLY;
SELECT group_users.remove_membership(1, 1);
ROLLBACK;
\set VERBOSITY sqlstate
BEGIN READ ONLY;
SELECT group_users.add_membership(2, 2);
ROLLBACK;
\set VERBOSITY default

-- and is seen by the next statement of the same transaction
BEGIN;
SELECT group_users.add_membership(2, 2);
SELECT id, name, role FROM group_users.user_groups(2);
SELECT group_users.remove_membership(2, 2);
SELECT count(*) FROM group_users.user_groups(2);
COMMIT;

-- ON DELETE CASCADE from users and from groups, ON UPDATE CASCADE of ids
SELECT group_users.add_membership(2, 2);
SELECT user_id, group_id FROM group_users.group_users ORDER BY 1, 2;
DELETE FROM group_users.groups WHERE id = 1;
SELECT user_id, group_id FROM group_users.group_users ORDER BY 1, 2;
UPDATE group_users.users SET id = 20 WHERE id = 2;
SELECT user_id, group_id FROM group_users.group_users ORDER BY 1, 2;
SELECT id, username, role FROM group_users.group_members(2);
DELETE FROM group_users.users WHERE id = 20;
SELECT count(*) FROM group_users.group_users;

-- generated ids go on from the sequences
INSERT INTO group_users.users (username) VALUES ('carol') RETURNING id;
INSERT INTO group_users.groups (name) VALUES ('Zeta') RETURNING id;
-- usernames are unique
INSERT INTO group_users.users (username) VALUES ('carol');
