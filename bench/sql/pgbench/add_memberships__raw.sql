-- Each transaction adds pairs nobody has: the client's own counter n
-- (pgbench keeps it from one transaction to the next) walks its writer
-- users, then the groups nobody is in.  The pairs are deleted between runs
-- (run.sh), so nothing else is in the measured transaction.
-- Lists k are disjoint blocks of 10 of those groups.
\set n :n + 1
\set uid :w_lo + :client_id + :nclients * (:n % :w_per)
\set k 1 + (:n / :w_per) % :nblocks
INSERT INTO group_users.group_users (user_id, group_id) SELECT :uid, l.gid FROM unnest((SELECT ids FROM bench.new_gid_lists WHERE k = :k)) AS l(gid) ON CONFLICT DO NOTHING;
