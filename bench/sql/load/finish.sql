-- Sequences past the explicit ids, then the id lists the scripts draw from.
SELECT setval(pg_get_serial_sequence('group_users.users', 'id'), max(id)) FROM group_users.users;
SELECT setval(pg_get_serial_sequence('group_users.groups', 'id'), max(id)) FROM group_users.groups;

CREATE SCHEMA IF NOT EXISTS bench;
SELECT setseed(0.4242);
-- :nlists lists of 100 distinct random regular users, in random order
-- (users_with_groups); of 10 distinct regular groups (set_user_groups); of
-- 10 distinct groups nobody belongs to (add_memberships).  "0 * k" makes
-- each subquery correlated, so that it is evaluated (and drawn) per list.
CREATE TABLE bench.uid_lists (k int PRIMARY KEY, ids bigint[] NOT NULL);
CREATE TABLE bench.gid_lists (k int PRIMARY KEY, ids bigint[] NOT NULL);
CREATE TABLE bench.new_gid_lists (k int PRIMARY KEY, ids bigint[] NOT NULL);
INSERT INTO bench.uid_lists
SELECT k, ARRAY(SELECT id FROM (SELECT id, min(n) AS first
                                  FROM (SELECT (1 + floor(random() * :nusers) + 0 * k)::bigint AS id, n
                                          FROM generate_series(1, 150) AS n) AS c
                                 GROUP BY id ORDER BY first LIMIT 100) AS d ORDER BY first)
  FROM generate_series(1, :nlists) AS k;
INSERT INTO bench.gid_lists
SELECT k, ARRAY(SELECT id FROM (SELECT id, min(n) AS first
                                  FROM (SELECT (1 + floor(random() * :ngroups) + 0 * k)::bigint AS id, n
                                          FROM generate_series(1, 40) AS n) AS c
                                 GROUP BY id ORDER BY first LIMIT 10) AS d ORDER BY first)
  FROM generate_series(1, :nlists) AS k;
INSERT INTO bench.new_gid_lists
SELECT k, ARRAY(SELECT id FROM (SELECT id, min(n) AS first
                                  FROM (SELECT (:bg_lo + floor(random() * (:bg_hi - :bg_lo + 1)) + 0 * k)::bigint AS id, n
                                          FROM generate_series(1, 60) AS n) AS c
                                 GROUP BY id ORDER BY first LIMIT 10) AS d ORDER BY first)
  FROM generate_series(1, :nlists) AS k;
-- Every list must be full (the scripts rely on it).
DO $$
BEGIN
  IF EXISTS (SELECT FROM bench.uid_lists WHERE cardinality(ids) <> 100)
     OR EXISTS (SELECT FROM bench.gid_lists WHERE cardinality(ids) <> 10)
     OR EXISTS (SELECT FROM bench.new_gid_lists WHERE cardinality(ids) <> 10) THEN
    RAISE EXCEPTION 'an id list came out short';
  END IF;
END $$;
