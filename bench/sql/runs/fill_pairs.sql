-- Before a run of remove_membership's scripts: the pairs the run will
-- remove, i.e. for each client c the first :npairs values of its counter
-- n, with the scripts' formulas (pgbench's / and % on non-negative
-- integers are SQL's).  Writer users and write groups only, so no foreign
-- key can fail: the triggers are skipped to fill faster.
SET session_replication_role = replica;
INSERT INTO group_users.group_users (user_id, group_id)
SELECT :w_lo + c + :nclients * (n % :w_per), :bg_lo + (n / :w_per) % :nbench
  FROM generate_series(0, :nclients - 1) AS c,
       generate_series(1, :npairs) AS n;
