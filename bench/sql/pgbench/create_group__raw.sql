-- Each transaction creates a group with 10 writer users (a random block);
-- the new groups are deleted between runs (run.sh).
\set k random(1, :nwblocks)
-- The equivalent single statement: the group, then its memberships
WITH g AS (INSERT INTO group_users.groups (name) VALUES ('new bench group') RETURNING id)
INSERT INTO group_users.group_users (user_id, group_id)
SELECT l.uid, g.id FROM g, unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k)) AS l(uid)
RETURNING group_id;
