-- Each group nobody else is in starts with the 10 writer users of one block
-- (sql/runs/fill_group_sets.sql) and is set to another random block each
-- time, so it always has 10 members.  Clients write disjoint groups.
-- verify setup: INSERT INTO group_users.group_users (user_id, group_id) SELECT unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k + 1)), :gid;
\set gid :bg_lo + :client_id + :nclients * random(0, :g_per - 1)
\set k random(1, :nwblocks)
-- The equivalent single statement: delete the unlisted, insert the missing
WITH want AS (SELECT unnest(ids) AS uid FROM bench.new_uid_lists WHERE k = :k),
     del AS (DELETE FROM group_users.group_users m
              WHERE m.group_id = :gid AND m.user_id NOT IN (SELECT uid FROM want)
             RETURNING 1),
     ins AS (INSERT INTO group_users.group_users (user_id, group_id)
             SELECT uid, :gid FROM want
             ON CONFLICT DO NOTHING
             RETURNING 1)
SELECT (SELECT count(*) FROM ins) AS added, (SELECT count(*) FROM del) AS removed;
