-- Writes keep the dataset stable: the line marked restore removes the 10
-- memberships again (the same statement in every variant).
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set k random(1, :nlists)
SELECT group_users.add_memberships(:uid, (SELECT ids FROM bench.new_gid_lists WHERE k = :k));
DELETE FROM group_users.group_users WHERE user_id = :uid AND group_id = ANY ((SELECT ids FROM bench.new_gid_lists WHERE k = :k)::bigint[]); -- restore
