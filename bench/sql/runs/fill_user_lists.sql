-- Before a run of remove_memberships' scripts: the lists the run will
-- remove, i.e. for each client c and each of the first :nlists_fill values
-- of its counter n, the 10 write groups of list k for user uid (the
-- scripts' formulas; see fill_pairs.sql).
SET session_replication_role = replica;
INSERT INTO group_users.group_users (user_id, group_id)
SELECT :w_lo + c + :nclients * (n % :w_per), unnest(l.ids)
  FROM generate_series(0, :nclients - 1) AS c,
       generate_series(1, :nlists_fill) AS n
  JOIN bench.new_gid_lists l ON l.k = 1 + (n / :w_per) % :nblocks;
