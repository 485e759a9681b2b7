-- Each transaction removes a list of memberships that run.sh made before
-- the run (sql/runs/fill_group_lists.sql): the client's own counter n walks
-- them, and run.sh checks that some were left.  So nothing else is in the
-- measured transaction.  For the comparison of the variants, the line
-- below makes the sample's list first:
-- verify setup: INSERT INTO group_users.group_users (user_id, group_id) SELECT unnest((SELECT ids FROM bench.new_uid_lists WHERE k = :k)), :gid;
\set n :n + 1
\set gid :bg_lo + :client_id + :nclients * (:n % :g_per)
\set k 1 + (:n / :g_per) % :nwblocks
SELECT group_users.remove_group_members(:gid, (SELECT ids FROM bench.new_uid_lists WHERE k = :k));
