-- Sequences past the explicit ids, then the id lists the scripts draw from.
SELECT setval(pg_get_serial_sequence('group_users.users', 'id'), max(id)) FROM group_users.users;
SELECT setval(pg_get_serial_sequence('group_users.groups', 'id'), max(id)) FROM group_users.groups;

CREATE SCHEMA IF NOT EXISTS bench;
SELECT setseed(0.4242);
-- :nlists lists of 100 distinct random regular users, in random order
-- (users_with_groups); of 10 distinct regular groups (set_user_groups); of
-- 10 groups nobody belongs to (add_memberships): disjoint blocks of 10
-- consecutive groups, in random order, one list per block, so that the
-- scripts can add a list no client has added before.  "0 * k" makes
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
SELECT k, ARRAY(SELECT g FROM generate_series(:bg_lo + 10 * (k - 1), :bg_lo + 10 * k - 1) AS g
                 ORDER BY random())
  FROM generate_series(1, (:bg_hi - :bg_lo + 1) / 10) AS k;
-- :nwriters / 10 lists of 10 writer users (the group-side writes):
-- disjoint blocks of 10 consecutive ones, in random order, likewise.
CREATE TABLE bench.new_uid_lists (k int PRIMARY KEY, ids bigint[] NOT NULL);
INSERT INTO bench.new_uid_lists
SELECT k, ARRAY(SELECT u FROM generate_series(:w_lo + 10 * (k - 1), :w_lo + 10 * k - 1) AS u
                 ORDER BY random())
  FROM generate_series(1, (:w_hi - :w_lo + 1) / 10) AS k;
-- Every list must be full (the scripts rely on it).
DO $$
BEGIN
  IF EXISTS (SELECT FROM bench.uid_lists WHERE cardinality(ids) <> 100)
     OR EXISTS (SELECT FROM bench.gid_lists WHERE cardinality(ids) <> 10)
     OR EXISTS (SELECT FROM bench.new_gid_lists WHERE cardinality(ids) <> 10)
     OR EXISTS (SELECT FROM bench.new_uid_lists WHERE cardinality(ids) <> 10) THEN
    RAISE EXCEPTION 'an id list came out short';
  END IF;
END $$;
