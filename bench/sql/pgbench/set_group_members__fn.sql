-- Each group nobody else is in starts with the 10 writer users of one block
-- (sql/runs/fill_group_sets.sql) and is set to another random block each
-- time, so it always has 10 members.  Clients write disjoint groups.
-- verify setup: INSERT INTO group_users.group_users (user_id, group_id) SELECT unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k + 1)), :gid;
\set gid :bg_lo + :client_id + :nclients * random(0, :g_per - 1)
\set k random(1, :nwblocks)
SELECT * FROM group_users.set_group_members(:gid, (SELECT ids FROM bench.new_uid_lists WHERE k = :k));
