-- Before a run of remove_group_members' scripts: the lists the run will
-- remove, i.e. for each client c and each of the first :nlists_fill values
-- of its counter n, the 10 writer users of list k in group gid (the
-- scripts' formulas; see fill_pairs.sql).
SET session_replication_role = replica;
INSERT INTO group_users.group_users (user_id, group_id)
SELECT unnest(l.ids), :bg_lo + c + :nclients * (n % :g_per)
  FROM generate_series(0, :nclients - 1) AS c,
       generate_series(1, :nlists_fill) AS n
  JOIN bench.new_uid_lists l ON l.k = 1 + (n / :g_per) % :nwblocks;
