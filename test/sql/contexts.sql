-- The functions in the places SPI code most often breaks: cursors read
-- part-way, subtransactions rolled back around them, calls nested in their
-- own triggers (the same kept plan run re-entrantly), errors in the middle
-- of a result, and DDL on the tables between two calls in one session.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS group_users CASCADE;
RESET client_min_messages;
CREATE EXTENSION group_users;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';

INSERT INTO group_users.users (id, username, created_at, updated_at)
  SELECT i, 'user' || i, '2017-07-17', '2017-07-17' FROM generate_series(1, 20) i;
INSERT INTO group_users.groups (id, name, created_at, updated_at)
  SELECT i, 'group' || i, '2017-07-18', '2017-07-18' FROM generate_series(1, 5) i;
SELECT sum(group_users.add_memberships(u, ARRAY[1, 2 + u % 4]::bigint[]))
  FROM generate_series(1, 20) u;

-- cursors: read part-way and closed, scrolled back, held past the commit
BEGIN;
DECLARE c CURSOR FOR SELECT id FROM group_users.group_members(1);
FETCH 2 FROM c;
CLOSE c;
DECLARE s SCROLL CURSOR FOR SELECT id, role FROM group_users.group_members(1, 5, 4);
FETCH 3 FROM s;
FETCH BACKWARD 2 FROM s;
FETCH LAST FROM s;
DECLARE j CURSOR WITH HOLD FOR
  SELECT group_users.user_with_groups(u, false)::text FROM generate_series(1, 3) u;
FETCH 1 FROM j;
COMMIT;
FETCH ALL FROM j;
CLOSE j;

-- savepoints: a rolled-back write leaves nothing; after an error inside a
-- subtransaction the same functions (and their kept plans) still work
BEGIN;
SAVEPOINT a;
SELECT group_users.add_membership(1, 5, 'temp');
SELECT * FROM group_users.set_user_groups(2, '{3,4,5}');
ROLLBACK TO SAVEPOINT a;
SELECT id, role FROM group_users.user_groups(1);
SELECT id FROM group_users.user_groups(2);
SAVEPOINT b;
SELECT group_users.add_memberships(1, '{4,999}');
ROLLBACK TO SAVEPOINT b;
SAVEPOINT c;
SELECT 1 / (id - 3) FROM group_users.group_members(1);
ROLLBACK TO SAVEPOINT c;
-- a read in the same statement as a write sees the statement's snapshot,
-- as any STABLE function does: false here, true in the next statement
SELECT group_users.add_membership(1, 4, 'kept'), group_users.is_member(1, 4);
SELECT group_users.is_member(1, 4);
COMMIT;
SELECT id, role FROM group_users.user_groups(1);

-- an error in the middle of reading a result, then the same call again
SELECT id, 10 / (id - 7) FROM group_users.group_members(1);
SELECT count(*) FROM group_users.group_members(1);

-- re-entrant: a trigger on the join table calls the functions on the same
-- table while the outer call's statement is still running
CREATE TABLE audit (uid bigint, gid bigint, groups_now bigint, members_now bigint);
CREATE FUNCTION audit_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit VALUES (NEW.user_id, NEW.group_id,
    (SELECT count(*) FROM group_users.user_groups(NEW.user_id)),
    group_users.count_group_members(NEW.group_id));
  -- owners of a group are also members of group 5: the same kept INSERT
  -- plan, run from inside itself
  IF NEW.role = 'owner' AND NEW.group_id <> 5 THEN
    PERFORM group_users.add_membership(NEW.user_id, 5, 'via-owner');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER audit_membership AFTER INSERT ON group_users.group_users
  FOR EACH ROW EXECUTE FUNCTION audit_membership();
SELECT group_users.add_membership(6, 3, 'owner');
SELECT group_users.add_memberships(7, '{2,3,4}', 'owner');
SELECT added, removed FROM group_users.set_group_members(2, '{6,7,8}', 'owner');
SELECT * FROM audit ORDER BY uid, gid;
SELECT id, role FROM group_users.user_groups(6);
SELECT id, role FROM group_users.group_members(5);
DROP TRIGGER audit_membership ON group_users.group_users;

-- nested reads: a loop over one function's rows calling the others
DO $$
DECLARE
  r record;
  total bigint := 0;
BEGIN
  FOR r IN SELECT id FROM group_users.group_members(1) LOOP
    total := total + (SELECT count(*) FROM group_users.user_groups(r.id))
                   + group_users.count_user_groups(r.id);
    IF NOT group_users.is_member(r.id, 1) THEN
      RAISE EXCEPTION 'user % not in group 1', r.id;
    END IF;
  END LOOP;
  RAISE NOTICE 'memberships seen twice: %', total;
END $$;

-- DDL between calls in one session: kept plans are revalidated
SELECT id, name FROM group_users.user_groups(3);
ALTER TABLE group_users.groups ADD COLUMN color text DEFAULT 'blue';
SELECT id, name FROM group_users.user_groups(3);
SELECT group_users.user_with_groups(3, false)::json -> 'groups' -> 0 ->> 'name' AS first_group;
ALTER TABLE group_users.groups DROP COLUMN color;
ALTER TABLE group_users.users ADD COLUMN nickname text;
SELECT username FROM group_users.group_members(3, NULL, 2);
ALTER TABLE group_users.users DROP COLUMN nickname;
CREATE INDEX group_users_role_idx ON group_users.group_users (role);
ANALYZE group_users.group_users;
SELECT group_users.add_membership(9, 5), group_users.remove_membership(9, 5);
DROP INDEX group_users.group_users_role_idx;
SELECT group_users.is_member_of_all(1, '{1,4}'), group_users.is_member_of_any(2, '{5}');
SELECT id FROM group_users.user_groups(3);

-- the same call in one statement twice (a CTE read twice, a self-join)
WITH m AS (SELECT * FROM group_users.group_members(1))
SELECT (SELECT count(*) FROM m) AS members, (SELECT count(*) FROM m a JOIN m b USING (id)) AS pairs;
SELECT count(*) FROM group_users.user_groups(1) a, group_users.user_groups(1) b;

DROP TABLE audit;
DROP FUNCTION audit_membership();
