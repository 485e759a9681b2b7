-- Each transaction adds a list of 10 writer users (disjoint blocks) to a
-- group nobody else is in: the client's own counter n walks its own groups,
-- then the blocks, so no pair is added twice; they are deleted between runs
-- (run.sh), so nothing else is in the measured transaction.
\set n :n + 1
\set gid :bg_lo + :client_id + :nclients * (:n % :g_per)
\set k 1 + (:n / :g_per) % :nwblocks
SELECT group_users.add_group_members(:gid, (SELECT ids FROM bench.new_uid_lists WHERE k = :k));
