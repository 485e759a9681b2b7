-- Each writer user always has exactly the 10 groups of the last list it was
-- set to, so the dataset keeps its size.  Clients write disjoint users.
\set uid :w_lo + :nclients * random(0, :w_per - 1) + :client_id
\set k random(1, :nlists)
SELECT * FROM group_users.set_user_groups(:uid, (SELECT ids FROM bench.gid_lists WHERE k = :k));
