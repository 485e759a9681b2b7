-- Before a run of set_group_members' scripts: every write group gets the
-- 10 writer users of one list, which each set then replaces with another.
SET session_replication_role = replica;
INSERT INTO group_users.group_users (user_id, group_id)
SELECT unnest(l.ids), g
  FROM generate_series(:bg_lo, :bg_hi) AS g
  JOIN bench.new_uid_lists l ON l.k = 1 + (g - :bg_lo) % :nwblocks;
